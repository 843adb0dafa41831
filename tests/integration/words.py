#!/usr/bin/env python3
"""Word counts: segmentation against hand-made segmentations (tests/fixtures/words), the domain
dictionary's terms kept whole; counts of the entries of the mirror's corpus against counts this
test makes from truth.jsonl; stop words and short words left out; the data files' versions
recorded; a bad dictionary refused naming its line.

usage: words.py ZHENGCE WORKDIR
"""
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = []
PUNCT = set("，。、；：？！“”‘’（）《》,.;:?!()")


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def words_of(path):
    out = []
    for l in open(path, encoding="utf-8"):
        l = l.strip()
        if l and not l.startswith("#"):
            out.append(l)
    return out


def spans(sentence, tokens):
    """the (start, end) character spans of tokens, found in order in sentence"""
    out, pos = set(), 0
    for t in tokens:
        i = sentence.index(t, pos)
        out.add((i, i + len(t)))
        pos = i + len(t)
    return out


def main():
    zc, work = sys.argv[1], sys.argv[2]
    terms = words_of(ROOT + "/data/words/domain.txt")
    stops = set(words_of(ROOT + "/data/words/stopwords.txt"))

    # 1. segmentation against the hand-made one
    hand = [l.split() for l in words_of(ROOT + "/tests/fixtures/words/segmentation.txt")]
    text = ["".join(h) for h in hand]
    r = subprocess.run([zc, "words", "--segment"], input="\n".join(text) + "\n", capture_output=True, text=True)
    got = [l.split() for l in r.stdout.splitlines()]
    check(r.returncode == 0 and len(got) == len(hand), "words --segment: a line of words a sentence (%d)" % len(got))
    tp = np_ = nh = 0
    whole_missed = []
    for s, h, g in zip(text, hand, got):
        hs = spans(s, [t for t in h if t not in PUNCT])
        gs = spans(s, g)
        tp += len(hs & gs)
        np_ += len(gs)
        nh += len(hs)
        for t in h:
            if t in terms and not any(s[a:b] == t for a, b in gs):
                whole_missed.append((t, " ".join(g)))
    p, rc = tp / max(np_, 1), tp / max(nh, 1)
    f1 = 2 * p * rc / max(p + rc, 1e-9)
    print("  segmentation: precision %.3f, recall %.3f, F1 %.3f over %d hand-made words" % (p, rc, f1, nh))
    check(f1 >= 0.85, "segmentation agrees with the hand-made one: word F1 %.3f >= 0.85" % f1)
    used = sum(1 for h in hand for t in h if t in terms)
    check(used >= 30 and not whole_missed, "every domain term of the sentences (%d) cut out whole %s" % (used, whole_missed[:3]))
    # without the domain dictionary friso cuts them (the dictionary is what keeps them whole)
    empty = work + "/empty.txt"
    os.makedirs(work, exist_ok=True)
    open(empty, "w").write("# version: 0\n")
    r0 = subprocess.run([zc, "words", "--segment", "--dictionary", empty], input="推进紧密型医共体建设，加强基层医疗卫生机构建设\n",
                        capture_output=True, text=True)
    check("医共体" not in r0.stdout.split() and "基层医疗卫生机构" not in r0.stdout.split(),
          "without the domain dictionary friso cuts 医共体 and 基层医疗卫生机构: " + r0.stdout.strip())

    # 2. counts over the mirror's entries
    mirror, corpus, log = fresh_work(work + "/m")
    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus), capture_output=True, text=True)
    check(r.returncode == 0, "crawl of the mirror")
    truth = [json.loads(l) for l in open(mirror + "/truth.jsonl", encoding="utf-8")]
    entries = [(t["jurisdiction"], t["year"], e["text"]) for t in truth if t.get("decision") == "included" for e in t["entries"]]
    r = subprocess.run([zc, "words", "--corpus", corpus, "--format", "json"], capture_output=True, text=True)
    w = json.loads(r.stdout)
    rows = {x["word"]: (x["count"], x["entries"]) for x in w["rows"]}
    check(w["units"] == len(entries) == 1072, "words: over the 1072 entries (%d)" % w["units"])
    made = w["made_with"]
    check(made["dictionary"]["version"] == "1" and made["stopwords"]["version"] == "1" and
          made["dictionary"]["words"] == len(terms) and "complex mode, synonyms off" in made["segmenter"],
          "the count records the dictionary's and stop words' versions and friso's mode")
    # a term no other term overlaps anywhere in the entries is counted at every occurrence
    def overlapped(t):
        for _, _, s in entries:
            i = s.find(t)
            while i >= 0:
                for u in terms:
                    if u == t:
                        continue
                    j = s.find(u, max(0, i - len(u) + 1))
                    if 0 <= j < i + len(t):
                        return True
                i = s.find(t, i + 1)
        return False
    checked, wrong = 0, []
    for t in terms:
        c = sum(s.count(t) for _, _, s in entries)
        if not c or overlapped(t):
            continue
        checked += 1
        want = (c, sum(1 for _, _, s in entries if t in s))
        if rows.get(t) != want:
            wrong.append((t, want, rows.get(t)))
    check(checked >= 15 and not wrong, "%d domain terms: count and entries as the truth's texts hold them %s" % (checked, wrong[:3]))
    check(not [x for x in rows if x in stops or len(x) < 2], "no stop word and no word of one character counted")

    # by province and year: 医联体 in each group as the texts hold it
    r = subprocess.run([zc, "words", "--corpus", corpus, "--by", "province,year", "--format", "csv"], capture_output=True, text=True)
    lines = r.stdout.lstrip("\ufeff").splitlines()
    check(r.stdout.startswith("\ufeff") and lines[0] == "jurisdiction,province,year,word,count,entries",
          "words --format csv: a BOM, the long form's header")
    got = {(c[0], int(c[2])): int(c[4]) for c in (l.split(",") for l in lines[1:]) if c[3] == "医联体"}
    want = collections.Counter()
    for j, y, s in entries:
        if s.count("医联体"):
            want[(j, y)] += s.count("医联体")
    check(got == dict(want), "医联体 by province and year: %d groups as the truth's texts" % len(want))

    # a dictionary with a line that is not one word is refused, naming the line
    bad = work + "/bad.txt"
    open(bad, "w", encoding="utf-8").write("# version: 2\n医联体\n医 共体\n")
    r = subprocess.run([zc, "words", "--corpus", corpus, "--dictionary", bad], capture_output=True, text=True)
    check(r.returncode == 2 and "bad.txt:3" in r.stderr, "a dictionary line of two words: exit 2, file and line named: " + r.stderr.strip())
    r = subprocess.run([zc, "words", "--segment", "--lexicon", work + "/nowhere"], input="医联体\n", capture_output=True, text=True)
    check(r.returncode == 1 and "friso-dict" in r.stderr, "no friso lexicon: says to install friso-dict or give --lexicon")
    if fails:
        print("FAILED: %d checks" % len(fails))
        sys.exit(1)
    print("words: all checks passed")


if __name__ == "__main__":
    main()
