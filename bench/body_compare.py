#!/usr/bin/env python3
"""Body extraction on pages saved from the real sites: zhengce vs Mozilla Readability vs
readability-lxml, scored against hand-written body labels.

usage: body_compare.py [--zhengce BIN] [--pages DIR] [--labels DIR] [--node-dir DIR] [--setup]
                       [--per-page]

  --zhengce   the zhengce binary (build/zhengce of this tree unless given)
  --pages     the saved pages, NAME.html (/work/real-pages unless given; kept outside the
              repository, see tests/fixtures/real/SOURCES)
  --labels    the hand labels, NAME.json (tests/fixtures/real/labels unless given)
  --node-dir  the directory whose node_modules hold @mozilla/readability and jsdom
              (build/node-readability unless given)
  --setup     npm-install @mozilla/readability and jsdom into --node-dir first
  --per-page  print every page's scores too

Tools, each given the same bytes:
  zhengce           `zhengce parse --url URL [--content-type CT] FILE`, its JSON "body"
  readability.js    @mozilla/readability on jsdom (bench/readability.mjs), article.textContent
  readability-lxml  Debian python3-readability run by /usr/bin/python3 (bench/readability_lxml.py),
                    the text of Document.summary()

Metric (tests/integration/bodymetric.py): precision, recall and F1 of the bag of character bigrams
of the extracted body against the labelled body, all whitespace removed first. A tool that fails
or finds nothing scores 0 on that page. Only labels with a full "body" are scored (labels of very
long pages that give body_first/body_last only are left out and counted). Means are over pages,
overall and per family (the label's _family).
"""
import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from bodymetric import prf  # noqa: E402

TOOLS = ["zhengce", "readability.js", "readability-lxml"]
SYSTEM_PYTHON = "/usr/bin/python3"


def charset_of(label):
    ct = label.get("_content_type", "")
    if "charset=" in ct:
        return ct.split("charset=", 1)[1].strip().strip('"')
    return ""


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    if r.returncode != 0:
        return None, r.stderr.decode("utf-8", "replace").strip()[:200]
    return r.stdout.decode("utf-8", "replace"), ""


def extract(tool, a, page, label):
    if tool == "zhengce":
        cmd = [a.zhengce, "parse", "--url", label["_url"]]
        if label.get("_content_type"):
            cmd += ["--content-type", label["_content_type"]]
        out, err = run(cmd + [page])
        return (json.loads(out).get("body", ""), "") if out is not None else (None, err)
    if tool == "readability.js":
        env = dict(os.environ, ZC_READABILITY_DIR=a.node_dir)
        cmd = ["node", os.path.join(ROOT, "bench", "readability.mjs"), page, label["_url"]]
        if charset_of(label):
            cmd.append(charset_of(label))
        return run(cmd, env)
    cmd = [SYSTEM_PYTHON, os.path.join(ROOT, "bench", "readability_lxml.py"), page]
    if charset_of(label):
        cmd.append(charset_of(label))
    return run(cmd)


def setup(node_dir):
    os.makedirs(node_dir, exist_ok=True)
    if not os.path.exists(os.path.join(node_dir, "package.json")):
        subprocess.run(["npm", "init", "-y"], cwd=node_dir, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "@mozilla/readability", "jsdom"],
                   cwd=node_dir, check=True)


def check_tools(a):
    problems = []
    if not os.access(a.zhengce, os.X_OK):
        problems.append(f"no zhengce binary at {a.zhengce}; build it or give --zhengce")
    if not os.path.isdir(os.path.join(a.node_dir, "node_modules", "jsdom")):
        problems.append(f"no jsdom under {a.node_dir}/node_modules; run with --setup")
    r = subprocess.run([SYSTEM_PYTHON, "-c", "import readability"], capture_output=True)
    if r.returncode != 0:
        problems.append("readability-lxml is missing; apt-get install -y python3-readability")
    return problems


def main():
    ap = argparse.ArgumentParser(description="body extraction on real pages vs Readability")
    ap.add_argument("--zhengce", default=os.path.join(ROOT, "build", "zhengce"))
    ap.add_argument("--pages", default="/work/real-pages")
    ap.add_argument("--labels", default=os.path.join(ROOT, "tests", "fixtures", "real", "labels"))
    ap.add_argument("--node-dir", default=os.path.join(ROOT, "build", "node-readability"))
    ap.add_argument("--setup", action="store_true")
    ap.add_argument("--per-page", action="store_true")
    a = ap.parse_args()
    if a.setup:
        setup(a.node_dir)
    if not os.path.isdir(a.pages):
        print(f"body_compare: no pages directory {a.pages}; save the pages listed in "
              "tests/fixtures/real/SOURCES there or give --pages", file=sys.stderr)
        return 2
    problems = check_tools(a)
    if problems:
        for p in problems:
            print("body_compare: " + p, file=sys.stderr)
        return 2
    scores = defaultdict(list)       # (tool, family) -> [(p, r, f)]; family "" is all
    skipped_long = 0
    missing = []
    names = sorted(n[:-5] for n in os.listdir(a.labels) if n.endswith(".json"))
    for name in names:
        with open(os.path.join(a.labels, name + ".json"), encoding="utf-8") as f:
            label = json.load(f)
        if "body" not in label:
            skipped_long += 1
            continue
        page = os.path.join(a.pages, name + ".html")
        if not os.path.exists(page):
            missing.append(name)
            continue
        fam = label.get("_family", "other")
        line = f"{name:<28}{fam:<8}"
        for tool in TOOLS:
            body, err = extract(tool, a, page, label)
            s = prf(body or "", label["body"])
            scores[tool, ""].append(s)
            scores[tool, fam].append(s)
            line += f"  {tool} {s[0]:.2f}/{s[1]:.2f}/{s[2]:.2f}" + (" (failed)" if body is None else "")
        if a.per_page:
            print(line)
    if missing:
        print(f"body_compare: {len(missing)} labelled pages are not in {a.pages}: "
              f"{', '.join(missing)}", file=sys.stderr)
        return 2
    n = len(scores[TOOLS[0], ""])
    if n == 0:
        print("body_compare: no labelled page with a body", file=sys.stderr)
        return 2
    fams = sorted({f for (_, f) in scores if f})
    print(f"body extraction on {n} real pages ({skipped_long} long pages labelled by first/last "
          "paragraph left out); mean precision / recall / F1 of character bigrams")
    print(f"{'tool':<18}{'pages':>6}{'P':>7}{'R':>7}{'F1':>7}" +
          "".join(f"{('F1 ' + f + ' (' + str(len(scores[TOOLS[0], f])) + ')'):>18}" for f in fams))
    for tool in TOOLS:
        rows = scores[tool, ""]
        mean = [sum(x[i] for x in rows) / len(rows) for i in range(3)]
        line = f"{tool:<18}{len(rows):>6}{mean[0]:>7.3f}{mean[1]:>7.3f}{mean[2]:>7.3f}"
        for fam in fams:
            fr = scores[tool, fam]
            line += f"{sum(x[2] for x in fr) / len(fr):>18.3f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
