#!/usr/bin/env python3
"""Body text of every article page of a generated mirror against the truth's body.

usage: bodies.py ZHENGCE OUTDIR [--seed S] [--mirror DIR [--variant V]] [--jobs N] [--show K]

Without --mirror it makes two scale-1 mirrors under OUTDIR and compares two sets of pages:

  all       every article page of the mirror of --seed (1) with the default variants;
  density   a mirror of the same seed whose container axis holds body-unknown alone (the other
            default variants as they are), its pages that took body-unknown: pages whose body the
            parser finds by text density only, where chrome next to the text (a metadata table, a
            share box, a footer) can win against it.  The axis rate is per axis, so about three
            times as many pages take it as in the default mirror.

With --mirror it compares the article pages of a mirror made before (any seed, scale or
variants), with --variant only those that took variant V.

Each page is read as the crawler would have it: `ZHENGCE parse --url URL --content-type CT FILE`,
CT the header the mirror's server sends for that site (serve.content_type).  Its "body" is
compared with the truth's "body" (truth.jsonl, written by the generator from what it put in the
body container: tests/mirror/README.md), never with another zhengce output.

Normalisation (both sides alike): line breaks \\r\\n and \\r become \\n; in each line every run of
white space (str.isspace: ASCII spaces and tabs, U+00A0, U+3000 and the other Unicode spaces)
becomes one ASCII space and the line is stripped; empty lines are dropped.  The lines are then
compared as a list, in order.  So an indent, a non-breaking space after a full stop or a blank
line between paragraphs is no difference; an extra line (a metadata cell, a breadcrumb, a share
bar), a lost, split or merged paragraph, a space inserted inside a line or a changed character is.

A page listed in KNOWN below (url: one-line reason) is reported as a known difference and does not
fail the test; a listed page whose body now agrees does, so that the list is kept honest.

Prints the pages compared, those equal exactly and after normalisation, the differing pages by
class (extra lines before, lines lost at the end, ...) and by variant, and the first K of each
class with the first line that differs; exits 1 when a page differs (or a parse fails).
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MIRROR = os.path.join(ROOT, "tests", "mirror")
sys.path.insert(0, MIRROR)
from render import DEFAULT_VARIANTS, VARIANTS, quote_path  # noqa: E402
from serve import content_type  # noqa: E402

# pages whose body is known to differ from the truth: {url: "one-line reason"}; none today
KNOWN = {}

DENSITY = "body-unknown"


def norm_lines(text):
    """the body's lines after the normalisation above"""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for line in text.split("\n"):
        line = " ".join("".join(" " if c.isspace() else c for c in line).split())
        if line:
            out.append(line)
    return out


def classify(want, got):
    """the class of a difference between two lists of lines"""
    if got is None:
        return "parse failed"
    if not got:
        return "empty body"
    if len(got) > len(want) and got[len(got) - len(want):] == want:
        return "extra lines before"
    if len(got) > len(want) and got[:len(want)] == want:
        return "extra lines after"
    if len(got) < len(want) and want[len(want) - len(got):] == got:
        return "lines lost at the start"
    if len(got) < len(want) and want[:len(got)] == got:
        return "lines lost at the end"
    if "".join(got).replace(" ", "") == "".join(want).replace(" ", ""):
        return "paragraphs split, merged or spaced otherwise"
    if len(got) == len(want):
        return "lines changed"
    return "other"


def first_difference(want, got):
    i = 0
    while i < min(len(want), len(got)) and want[i] == got[i]:
        i += 1
    return i, (want[i] if i < len(want) else "(end)"), (got[i] if i < len(got) else "(end)")


def generate(out, seed, variants):
    if os.path.exists(out):
        shutil.rmtree(out)
    subprocess.run([sys.executable, os.path.join(MIRROR, "mirror.py"), "generate", "--out", out, "--seed", str(seed),
                    "--variants", ",".join(variants)], check=True, stdout=subprocess.DEVNULL)


def articles(mirror, variant=None):
    with open(os.path.join(mirror, "sites.json"), encoding="utf-8") as f:
        sites = {s["host"]: s for s in json.load(f)["sites"]}
    rows = []
    with open(os.path.join(mirror, "truth.jsonl"), encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            if t.get("disallowed") or (variant and variant not in t.get("variants", [])):
                continue
            if "body" not in t:
                sys.exit("bodies: %s/truth.jsonl has no body (a mirror from before the field); generate it again"
                         % mirror)
            host = t["site"]
            fp = os.path.join(mirror, "www", host, quote_path(t["url"].split(host, 1)[1]))
            rows.append((t, fp, content_type(sites[host], fp)))
    return rows


def compare(zhengce, name, rows, jobs, show):
    """compares the pages; returns the descriptions of what fails"""
    def parse(row):
        t, fp, ct = row
        p = subprocess.run([zhengce, "parse", "--url", t["url"], "--content-type", ct, fp], capture_output=True)
        if p.returncode != 0:
            return row, None, p.stderr.decode("utf-8", "replace").strip()
        return row, json.loads(p.stdout).get("body", ""), ""

    st = collections.Counter()
    classes = collections.defaultdict(list)
    by_variant = collections.Counter()
    known_seen, known_agree = [], []
    with ThreadPoolExecutor(jobs) as ex:
        for (t, fp, ct), body, err in ex.map(parse, rows):
            st["pages"] += 1
            if body == t["body"]:
                st["exact"] += 1
            want, got = norm_lines(t["body"]), (None if body is None else norm_lines(body))
            if got == want:
                st["equal"] += 1
                if t["url"] in KNOWN:
                    known_agree.append(t["url"])
                continue
            if t["url"] in KNOWN:
                known_seen.append(t["url"])
                continue
            st["differ"] += 1
            classes[classify(want, got)].append((t, fp, want, got, err))
            for v in t.get("variants", []) or ["(none)"]:
                by_variant[v] += 1
    print("%s: %d pages, %d bodies equal exactly, %d after normalisation, %d differ, %d known differences"
          % (name, st["pages"], st["exact"], st["equal"], st["differ"], len(known_seen)))
    for u in known_seen:
        print("  known: %s (%s)" % (u, KNOWN[u]))
    for cls, items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print("  %-46s %5d" % (cls, len(items)))
        for t, fp, want, got, err in items[:show]:
            print("    %s\n      file %s\n      variants %s" % (t["url"], fp, ",".join(t.get("variants", [])) or "(none)"))
            if got is None:
                print("      %s" % err)
                continue
            i, w, g = first_difference(want, got)
            print("      line %d of %d (truth) / %d (got)\n        truth %r\n        got   %r"
                  % (i + 1, len(want), len(got), w[:80], g[:80]))
    if by_variant:
        print("  differing pages by variant: " + ", ".join("%s %d" % kv for kv in by_variant.most_common()))
    fails = []
    if st["pages"] == 0:
        fails.append("%s: no page to compare" % name)
    if st["differ"]:
        fails.append("%s: %d of %d bodies differ from the truth (%s)" % (
            name, st["differ"], st["pages"], "; ".join("%s %d" % (c, len(v)) for c, v in sorted(classes.items()))))
    if known_agree:
        fails.append("%s: %d pages listed in KNOWN now agree with the truth; take them out (%s)" % (
            name, len(known_agree), ", ".join(known_agree[:3])))
    return fails


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("zhengce")
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1, help="the mirrors' seed")
    ap.add_argument("--mirror", help="compare this mirror's article pages instead of generating two")
    ap.add_argument("--variant", help="with --mirror: only the pages that took this variant")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="parses run at once")
    ap.add_argument("--show", type=int, default=5, help="differing pages shown per class")
    a = ap.parse_args()
    if a.variant and a.variant not in VARIANTS:
        sys.exit("bodies: no variant %s (tests/mirror/render.py VARIANTS)" % a.variant)
    t0 = time.time()
    if a.mirror:
        sets = [("mirror %s" % a.mirror + (" (%s)" % a.variant if a.variant else ""), articles(a.mirror, a.variant))]
    else:
        os.makedirs(a.outdir, exist_ok=True)
        everything, density = os.path.join(a.outdir, "all"), os.path.join(a.outdir, "density")
        generate(everything, a.seed, DEFAULT_VARIANTS)
        other_containers = {v for v in VARIANTS if VARIANTS[v][0] == VARIANTS[DENSITY][0] and v != DENSITY}
        generate(density, a.seed, [v for v in DEFAULT_VARIANTS if v not in other_containers])
        sets = [("all (seed %d, scale 1)" % a.seed, articles(everything)),
                ("density (seed %d, scale 1, %s pages)" % (a.seed, DENSITY), articles(density, DENSITY))]
    fails = []
    for name, rows in sets:
        fails += compare(a.zhengce, name, rows, a.jobs, a.show)
    print("%.1f s" % (time.time() - t0))
    if fails:
        print("\nFAILED: " + "; ".join(fails))
        sys.exit(1)
    print("\nevery body equals the truth's")


if __name__ == "__main__":
    main()
