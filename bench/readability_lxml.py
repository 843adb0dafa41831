"""readability-lxml's text of one saved page, for bench/body_compare.py.

usage: /usr/bin/python3 readability_lxml.py FILE [CHARSET]
Runs with Debian's python3-readability (so with /usr/bin/python3, not a pyenv python). Decodes
FILE as readability.mjs does (CHARSET, the page's <meta> charset, UTF-8 when valid, else
GB18030), prints the text of Document.summary(): one line per block element.
"""
import re
import sys

from lxml import html as lhtml
from readability import Document


def label(name):
    name = (name or "").strip().lower()
    if name in ("gb2312", "gbk", "gb18030", "x-gbk"):
        return "gb18030"
    return name


def decode(data, given):
    charset = label(given)
    if not charset:
        m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:4096], re.I)
        if m:
            charset = label(m.group(1).decode("ascii"))
    try:
        return data.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return data.decode("gb18030" if charset in ("", "utf-8", "utf8") else charset, "replace")


def main():
    if len(sys.argv) < 2:
        print("usage: readability_lxml.py FILE [CHARSET]", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        text = decode(f.read(), sys.argv[2] if len(sys.argv) > 2 else "")
    summary = Document(text).summary(html_partial=True)
    if not summary.strip():
        return 0
    tree = lhtml.fromstring(summary)
    for br in tree.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in tree.iter("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "table"):
        el.tail = "\n" + (el.tail or "")
    sys.stdout.write(tree.text_content())
    return 0


if __name__ == "__main__":
    sys.exit(main())
