"""Body-text agreement between an extracted body and a hand label.

The score is precision, recall and F1 over the multiset (bag) of character bigrams of the two
texts after every whitespace character is removed (str.isspace: ASCII spaces and newlines,
U+00A0, U+3000 and the other Unicode spaces). Bigrams, not single characters: a bag of single
Chinese characters overlaps heavily between any two texts on the same subject, while bigrams keep
local order, so a body that holds the document's text scores high and a page's navigation, footer
or a different article scores low; no alignment (LCS) is needed, so the cost is linear in the
texts' length.

  precision = |bag(extracted) & bag(label)| / |bag(extracted)|
  recall    = |bag(extracted) & bag(label)| / |bag(label)|
  F1        = 2PR / (P + R)

An empty extraction scores P = R = F1 = 0 against a non-empty label.
Labels of very long pages may give only their first and last paragraph (body_first, body_last);
those are compared by body_ends_match, not scored.
"""
from collections import Counter


def squeeze(text):
    """The text without any whitespace character."""
    return "".join(ch for ch in text if not ch.isspace())


def bigrams(text):
    s = squeeze(text)
    if len(s) == 1:
        return Counter([s])
    return Counter(s[i:i + 2] for i in range(len(s) - 1))


def prf(extracted, label):
    """(precision, recall, f1) of the extracted body against the labelled one."""
    got = bigrams(extracted or "")
    want = bigrams(label or "")
    if not got or not want:
        same = not got and not want
        return (1.0, 1.0, 1.0) if same else (0.0, 0.0, 0.0)
    common = sum((got & want).values())
    p = common / sum(got.values())
    r = common / sum(want.values())
    f = 0.0 if common == 0 else 2 * p * r / (p + r)
    return p, r, f


def body_ends_match(extracted, first, last):
    """True when the extracted body begins with the labelled first paragraph and ends with the
    labelled last one (whitespace ignored)."""
    s = squeeze(extracted or "")
    return bool(s) and s.startswith(squeeze(first)) and s.endswith(squeeze(last))
