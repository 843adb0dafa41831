#!/usr/bin/env python3
"""Metamorphic test of the parser: one document, many presentations, the same fields.

Renders each of a sample of documents (across every family, with the cases some variants need:
no document number, joint issuers, the issuer in the title) under no variant and under each
presentation variant of the mirror (tests/mirror/render.py VARIANTS), parses every page with
`zhengce parse FILE --url URL`, and requires the fields the truth gives for that page: title,
docno, issuers, written_date, published_date, type, validity, body and attachments.  The truth
comes from the mirror's model of the document (render_page), never from zhengce.

usage: metamorphic.py ZHENGCE OUTDIR [--all | --variants A,B] [--sample N] [--seed S] [--show K]

Without --all or --variants it checks the variants on by default (DEFAULT_VARIANTS); prints a
table of pages, passes and failures per variant and field, and exits 1 naming each failing
variant and field.
"""
import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "mirror"))
from generate import build_universe  # noqa: E402
from render import VARIANTS, DEFAULT_VARIANTS, Renderer, parse_variants, render_page  # noqa: E402

FIELDS = ["title", "docno", "issuers", "written_date", "published_date", "type", "validity", "body",
          "attachments"]
BASE = "(none)"


def pick_sample(u, n, seed):
    """n pages (document, host) spread over the families round robin, then topped up so that
    every variant applies to at least 5 of them"""
    rng = random.Random(seed)
    by_fam = collections.defaultdict(list)
    for d in u.docs[:u.n_base]:
        for host in d["hosts"]:
            by_fam[u.site_by_host[host]["family"]].append((d, host))
    for fam in by_fam:
        rng.shuffle(by_fam[fam])
    sample, fams, i = [], sorted(by_fam), 0
    while len(sample) < n and any(by_fam.values()):
        f = fams[i % len(fams)]
        if by_fam[f]:
            sample.append(by_fam[f].pop())
        i += 1
    pool = [p for f in fams for p in by_fam[f]]
    rng.shuffle(pool)
    for v in sorted(VARIANTS):
        have = sum(1 for d, h in sample if render_page(u, d, h, v) is not None)
        for d, h in pool:
            if have >= 5:
                break
            if (d, h) not in sample and render_page(u, d, h, v) is not None:
                sample.append((d, h))
                have += 1
    return sample


def around_difference(a, b, width=60):
    """the two texts from a little before where they first differ"""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    lo = max(0, i - 20)
    cut = lambda s: ("…" if lo else "") + s[lo:lo + width] + ("…" if len(s) > lo + width else "")
    return cut(a), cut(b)


def norm_attachments(a):
    return [(x.get("name", ""), x.get("url", "")) for x in a or []]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("zhengce")
    ap.add_argument("outdir")
    ap.add_argument("--all", action="store_true", help="every variant, not only the default ones")
    ap.add_argument("--variants", help="these variants (comma-separated names)")
    ap.add_argument("--sample", type=int, default=40, help="documents rendered under every variant")
    ap.add_argument("--seed", type=int, default=1, help="the mirror's seed")
    ap.add_argument("--show", type=int, default=3, help="mismatches shown per variant and field")
    a = ap.parse_args()
    try:
        names = sorted(parse_variants("all" if a.all else (a.variants or "default")))
    except ValueError as e:
        sys.exit("metamorphic: %s" % e)
    u = build_universe(a.seed)
    sample = pick_sample(u, a.sample, a.seed)
    if os.path.exists(a.outdir):
        shutil.rmtree(a.outdir)
    os.makedirs(a.outdir)
    enc = Renderer(u, None)
    fams = collections.Counter(u.site_by_host[h]["family"] for _, h in sample)
    print("%d pages from %d documents, families: %s" % (len(sample), len({d["id"] for d, _ in sample}),
                                                         ", ".join("%s %d" % kv for kv in sorted(fams.items()))))
    stats = collections.OrderedDict()
    bad = collections.defaultdict(list)
    for v in [BASE] + names:
        st = stats[v] = collections.Counter()
        vdir = os.path.join(a.outdir, v.strip("()"))
        os.makedirs(vdir)
        for k, (d, host) in enumerate(sample):
            res = render_page(u, d, host, None if v == BASE else v)
            if res is None:
                continue
            text, truth = res
            site = u.site_by_host[host]
            fp = os.path.join(vdir, "%03d.html" % k)
            with open(fp, "wb") as f:
                f.write(enc.encode(site, text))
            p = subprocess.run([a.zhengce, "parse", fp, "--url", truth["url"]], capture_output=True)
            st["pages"] += 1
            if p.returncode != 0:
                st["fail"] += 1
                st["parse"] += 1
                bad[(v, "parse")].append((fp, "exit 0", "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace").strip())))
                continue
            got = json.loads(p.stdout)
            ok = True
            for f in FIELDS:
                want, have = truth[f], got.get(f)
                if f == "attachments":
                    want, have = norm_attachments(want), norm_attachments(have)
                if want != have:
                    ok = False
                    st[f] += 1
                    bad[(v, f)].append((fp, want, have))
            st["pass" if ok else "fail"] += 1
    # the table
    cols = ["pages", "pass", "fail"] + FIELDS
    short = {"published_date": "published", "written_date": "written", "attachments": "attach"}
    print("\n%-18s" % "variant" + "".join("%10s" % short.get(c, c) for c in cols))
    failing = []
    for v, st in stats.items():
        print("%-18s" % v + "".join("%10s" % (st[c] if st[c] or c in ("pages", "pass", "fail") else ".") for c in cols))
        for f in FIELDS + ["parse"]:
            if st[f]:
                failing.append((v, f, st[f], st["pages"]))
        if st["pages"] == 0:
            failing.append((v, "no page it applies to", 0, 0))
    for v, f, n, pages in failing:
        for fp, want, have in bad[(v, f)][: a.show]:
            if f == "body":
                want, have = around_difference(want, have or "")
            print("\n%s %s: %s\n   truth %r\n   got   %r" % (v, f, fp, want, have))
    if failing:
        print("\nFAILED: " + "; ".join("variant %s: %s wrong on %d of %d pages" % (v, f, n, p) if p else
                                     "variant %s: %s" % (v, f) for v, f, n, p in failing))
        sys.exit(1)
    print("\nevery variant gives the truth's fields")


if __name__ == "__main__":
    main()
