#!/usr/bin/env python3
"""The report's figures against the mirror's truth: every count drawn in the SVGs (data-count)
equals what this test computes from truth.jsonl; the map holds the 31 provinces and the national
total, its dots sized by the documented formula; the flow from pages to entries adds up to the
pages fetched; the HTML loads nothing from outside; report --figures writes the same SVGs as
files; headless Chromium renders each figure and the report.

usage: report.py ZHENGCE WORKDIR
"""
import collections
import json
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
fails = []
# the reference study's regions, written out here (not read from zhengce)
REGION = {}
for name, codes in (("east", "11 12 13 31 32 33 35 37 44 46"), ("centre", "14 34 36 41 42 43"),
                    ("west", "15 45 50 51 52 53 54 61 62 63 64 65"), ("north-east", "21 22 23")):
    for c in codes.split():
        REGION[c] = name
PROVINCES = sorted(REGION)


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def marks(root, attr):
    """every element of an SVG tree with data-count, keyed by attr's value"""
    return [e for e in root.iter() if "data-count" in e.attrib and attr in e.attrib]


def shoot(png, url, work, size):
    """a headless Chromium screenshot: (whether it was made, its size); tried again once, since a
    loaded machine can keep Chromium from finishing in time"""
    for _ in range(2):
        if os.path.exists(png):
            os.remove(png)
        try:
            r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                "--user-data-dir=" + work + "/chromium", "--window-size=" + size, "--screenshot=" + png, url],
                               capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            continue
        if r.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 0:
            return True, os.path.getsize(png)
        print("  chromium: exit %d %s" % (r.returncode, r.stderr.strip()[-200:]))
    return False, os.path.getsize(png) if os.path.exists(png) else 0


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work)
    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus), capture_output=True, text=True)
    check(r.returncode == 0, "crawl of the mirror: exit %d %s" % (r.returncode, r.stderr.strip()[-200:]))

    truth = [json.loads(l) for l in open(mirror + "/truth.jsonl", encoding="utf-8")]
    stored = {json.loads(l)["url"] for l in subprocess.run([zc, "export", "--corpus", corpus, "--all", "--format", "jsonl"],
                                                            capture_output=True, text=True).stdout.splitlines()}
    reached = [t for t in truth if not t.get("disallowed") and t["url"] in stored]
    inc = [t for t in reached if t["decision"] == "included"]
    check(len(inc) == 609, "the crawl reached the 609 included documents of the truth (%d)" % len(inc))

    figs = work + "/figures"
    rep = subprocess.run([zc, "report", "--corpus", corpus, "-o", work + "/report.html", "--figures", figs],
                         capture_output=True, text=True)
    check(rep.returncode == 0, "report -o and --figures: exit %d %s" % (rep.returncode, rep.stderr.strip()[-200:]))
    html = open(work + "/report.html", encoding="utf-8").read()
    names = ["figure1-national-by-year", "figure2-provinces-map", "figure3-provincial-by-year-region",
             "flow-pages-to-entries"]
    trees = {}
    for n in names:
        path = "%s/%s.svg" % (figs, n)
        ok = os.path.exists(path)
        text = open(path, encoding="utf-8").read() if ok else ""
        try:
            trees[n] = ET.fromstring(text)
        except ET.ParseError as e:
            ok = False
            print("  %s: %s" % (path, e))
        check(ok and text.strip() in html, "--figures: %s.svg is well-formed XML and the very SVG of the report" % n)
    if len(trees) != len(names):
        sys.exit(1)
    check(html.count("<svg") == 4, "the report holds four SVG figures (%d)" % html.count("<svg"))

    # Figure 1: national documents by year
    nat = collections.Counter(t["year"] for t in inc if t["jurisdiction"] == "00")
    bars = {int(e.get("data-year")): int(e.get("data-count")) for e in marks(trees[names[0]], "data-year")}
    years = range(min(t["year"] for t in inc), max(t["year"] for t in inc) + 1)
    check(bars == {y: nat.get(y, 0) for y in years},
          "Figure 1: a bar a year %d-%d, each the truth's national documents (%s)" % (years[0], years[-1], dict(sorted(nat.items()))))

    # Figure 2: the map
    byj = collections.Counter(t["jurisdiction"] for t in inc)
    dots = {e.get("data-code"): e for e in trees[names[1]].iter(SVG + "circle") if e.get("data-code")}
    check(sorted(dots) == ["00"] + PROVINCES, "Figure 2: 31 province dots and the national one (%d)" % len(dots))
    counts = {c: int(e.get("data-count")) for c, e in dots.items()}
    check(counts == {c: byj.get(c, 0) for c in ["00"] + PROVINCES},
          "Figure 2: each dot's count is the truth's documents of its jurisdiction (national %d)" % byj["00"])
    top = max(byj.values())
    radius_ok = all(abs(float(e.get("r")) - (2.5 + 11.5 * math.sqrt(byj.get(c, 0) / top) if byj.get(c, 0) else 2.0)) < 0.01
                    for c, e in dots.items())
    check(radius_ok, "Figure 2: dot area by count, r = 2.5 + 11.5 sqrt(count / max) (max %d)" % top)
    # positions: east of each other as the capitals are (Urumqi west of Lhasa, Shanghai east of Beijing)
    x = {c: float(e.get("cx")) for c, e in dots.items()}
    y = {c: float(e.get("cy")) for c, e in dots.items()}
    check(x["65"] < x["54"] < x["51"] < x["11"] < x["31"] and y["23"] < y["11"] < y["31"] < y["44"] < y["46"],
          "Figure 2: dots placed west to east and north to south as the capitals lie")

    # Figure 3: provincial documents by year and region
    reg = collections.Counter((t["year"], REGION[t["jurisdiction"]]) for t in inc if t["jurisdiction"] != "00")
    got = {(int(e.get("data-year")), e.get("data-region")): int(e.get("data-count"))
           for e in marks(trees[names[2]], "data-region")}
    check(got == dict(reg), "Figure 3: every year and region's count is the truth's (%d cells)" % len(reg))

    # the flow: pages fetched -> exclusions by reason -> documents -> entries
    stages = collections.defaultdict(dict)
    for e in marks(trees[names[3]], "data-stage"):
        stages[e.get("data-stage")][e.get("data-reason")] = int(e.get("data-count"))
    reasons = collections.Counter(t["reason"] for t in reached if t["decision"] == "excluded")
    entries = sum(len(t["entries"]) for t in inc)
    check(stages["pages"].get(None) == len(reached),
          "flow: the pages fetched are the truth's article pages the crawl stored (%d)" % len(reached))
    check({k: v for k, v in stages["excluded"].items() if k} == dict(reasons),
          "flow: the exclusions by reason are the truth's (%s)" % dict(reasons))
    check(stages["included"].get(None) == 609 and stages["national"].get(None) == byj["00"] and
          stages["provincial"].get(None) == 609 - byj["00"] and stages["entries"].get(None) == entries,
          "flow: 609 documents (national %d, provincial %d) and %d entries, as the truth" % (byj["00"], 609 - byj["00"], entries))
    check(stages["pages"][None] == stages["included"][None] + stages["excluded"][None] ==
          stages["included"][None] + sum(v for k, v in stages["excluded"].items() if k) and "undecided" not in stages,
          "flow: the numbers add up to the pages fetched")

    # the methods
    prof = json.load(open(ROOT + "/profiles/reference.json", encoding="utf-8"))
    words = prof["search_keywords"]
    meth = html[html.index("Methods"):]
    check(all(w in meth for w in words), "methods: every search keyword of the profile (%d)" % len(words))
    sites = sorted({t["site"] for t in truth})
    check(all(s in meth for s in sites) and re.search(r"\b%d sites" % len(sites), meth) is not None,
          "methods: the %d sites crawled" % len(sites))
    check("2009-06-18 to 2024-10-31" in meth and re.search(r"[0-9a-f]{64}", meth) and "selected by zhengce" in meth and "report by zhengce" in meth,
          "methods: the date range, the profile's SHA-256 and the versions")

    # nothing from outside: no script, no link, no URL but the SVG namespace; a policy that forbids loads
    rest = html.replace("http://www.w3.org/2000/svg", "")
    check("<script" not in html and "src=" not in html and "<link" not in html and "http://" not in rest and
          "https://" not in rest and not re.search(r"url\((?!#)", html),
          "report: no script, no external resource, no URL")
    check("default-src 'none'" in html, "report: a Content-Security-Policy that lets the browser load nothing")

    # rendered by headless Chromium: each figure and the whole report
    # a blank figure of the same size, as the measure of an empty screenshot
    open(work + "/blank.svg", "w").write('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="460">'
                                          '<rect width="100%" height="100%" fill="#fff"/></svg>')
    made, blank = shoot(work + "/blank.png", "file://" + work + "/blank.svg", work, "700,520")
    check(made and blank > 0, "Chromium renders a blank figure, the measure of an empty one (%d bytes)" % blank)
    for n in names:
        ok, size = shoot("%s/%s-shot.png" % (work, n), "file://%s/%s.svg" % (figs, n), work, "700,520")
        check(ok and size > 2 * blank, "Chromium renders %s.svg (%d bytes; blank %d)" % (n, size, blank))
    ok, size = shoot(work + "/report.png", "file://" + work + "/report.html", work, "1200,3600")
    check(ok and size > 150000, "Chromium renders the report (%d bytes)" % size)

    # PNG beside the SVGs where rsvg-convert is installed, else a word saying so
    if shutil.which("rsvg-convert"):
        check(all(os.path.getsize("%s/%s.png" % (figs, n)) > 5000 for n in names if os.path.exists("%s/%s.png" % (figs, n)))
              and all(os.path.exists("%s/%s.png" % (figs, n)) for n in names), "--figures: a PNG of each figure by rsvg-convert")
    else:
        check("rsvg-convert is not installed" in rep.stderr, "--figures without rsvg-convert: SVGs only, and it says so")

    # usage
    u = subprocess.run([zc, "report", "--corpus", corpus], capture_output=True, text=True)
    check(u.returncode == 2 and "--figures" in u.stderr, "report without -o or --figures: exit 2, says what to give")
    if fails:
        print("FAILED: %d checks" % len(fails))
        sys.exit(1)
    print("report: all checks passed")


if __name__ == "__main__":
    main()
