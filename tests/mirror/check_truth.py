#!/usr/bin/env python3
"""Check a generated mirror's truth.jsonl against the reference study's published figures
(DESIGN.md section 1), independently of zhengce.  Usage: check_truth.py DIR"""
import collections
import json
import sys

EXPECT_NATIONAL_BY_YEAR = {2015: 5, 2016: 2, 2017: 2, 2018: 4, 2019: 5, 2020: 5, 2021: 7, 2022: 5, 2023: 8, 2024: 3}
EXPECT_PROVINCES = {"11": 22, "12": 16, "13": 41, "37": 21, "32": 23, "31": 29, "33": 30, "35": 33,
                    "44": 18, "46": 19, "62": 37, "65": 1}
REASONS = {"issuer", "off-topic", "type", "interpretation", "forwarded", "invalid", "duplicate",
           "out-of-range", "unparseable"}


def main(d):
    rows = [json.loads(l) for l in open(d + "/truth.jsonl", encoding="utf-8")]
    pages = [r for r in rows if not r.get("disallowed")]
    inc = [r for r in pages if r["decision"] == "included"]
    fails = []

    def eq(what, got, want):
        status = "ok" if got == want else "FAIL"
        print("%-44s %-12s expected %s" % (what, got, want) if status == "ok" else "%-44s %s expected %s  FAIL" % (what, got, want))
        if got != want:
            fails.append(what)

    nat = [r for r in inc if r["jurisdiction"] == "00"]
    pro = [r for r in inc if r["jurisdiction"] != "00"]
    eq("included documents", len(inc), 609)
    eq("national documents", len(nat), 46)
    eq("provincial documents", len(pro), 563)
    eq("national by year", dict(sorted(collections.Counter(r["year"] for r in nat).items())), EXPECT_NATIONAL_BY_YEAR)
    byprov = collections.Counter(r["jurisdiction"] for r in pro)
    eq("published provinces", {k: byprov[k] for k in EXPECT_PROVINCES}, EXPECT_PROVINCES)
    eq("eastern ten", sum(byprov[k] for k in ["11", "12", "13", "37", "32", "31", "33", "35", "44", "46"]), 252)
    eq("provinces with documents", len(byprov), 31)
    gansu = [r for r in pro if r["jurisdiction"] == "62"]
    eq("Gansu entries", sum(len(r["entries"]) for r in gansu), 77)
    eq("Gansu 2021", sum(1 for r in gansu if r["year"] == 2021), 7)
    py = collections.Counter(r["year"] for r in pro)
    peak = max(py.items(), key=lambda kv: kv[1])
    eq("provincial peak year", peak, (2017, 88))
    eq("second provincial year below peak", sorted(py.values())[-2] < 88, True)
    eq("Zhejiang 2017", sum(1 for r in pro if r["jurisdiction"] == "33" and r["year"] == 2017), 8)
    eq("Shanxi 2022", sum(1 for r in pro if r["jurisdiction"] == "14" and r["year"] == 2022), 3)
    eq("Shanghai 2023", sum(1 for r in pro if r["jurisdiction"] == "31" and r["year"] == 2023), 11)
    dates = sorted((r["written_date"], r["jurisdiction"]) for r in inc)
    eq("first document", dates[0], ("2009-06-18", "37"))
    eq("last document date", dates[-1][0], "2024-10-31")
    first_pro = min(r["written_date"] for r in pro)
    eq("earliest provincial is Shandong 2009", [r["jurisdiction"] for r in pro if r["written_date"] == first_pro], ["37"])
    eq("entries", sum(len(r["entries"]) for r in inc), 1072)
    eq("national entries", sum(len(r["entries"]) for r in nat), 62)
    eq("provincial entries", sum(len(r["entries"]) for r in pro), 1010)
    # the hard cases
    reasons = collections.Counter(r["reason"] for r in pages if r["decision"] == "excluded")
    print("excluded by reason:", dict(sorted(reasons.items())))
    eq("unknown reasons", sorted(set(reasons) - REASONS), [])
    eq("hard cases >= 300", sum(reasons.values()) >= 300, True)
    for reason in ["interpretation", "forwarded", "invalid", "issuer", "type", "off-topic", "duplicate", "out-of-range"]:
        eq("has %s cases" % reason, reasons[reason] > 0, True)
    eq("duplicates name an included canonical copy",
       all(r["canonical_url"] in {x["url"] for x in inc} for r in pages if r["reason"] == "duplicate"), True)
    codes = [e["code"] for r in inc for e in r["entries"]]
    eq("entry codes unique", len(codes) == len(set(codes)), True)
    eq("file codes unique", len({r["file_code"] for r in inc}) == len(inc), True)
    fams = collections.Counter(r["family"] for r in pages)
    eq("families present", sorted({f.split("-")[0] for f in fams}), ["channels", "govcn", "hanweb", "jsp", "nhc", "thinkphp", "trs", "vsb"])
    cs = collections.Counter(r["charset"] for r in pages)
    print("charsets:", dict(cs))
    eq("charsets present", sorted(cs), ["gb2312", "gbk", "undeclared", "utf-8"])
    if fails:
        print("%d passed, %d failed" % (0, len(fails)))
        sys.exit(1)
    print("truth matches the reference study")


if __name__ == "__main__":
    main(sys.argv[1])
