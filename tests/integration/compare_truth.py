#!/usr/bin/env python3
"""Compare what zhengce stored with the mirror's ground truth (truth.jsonl).

usage: compare_truth.py TRUTH.jsonl EXPORT.jsonl [--entries ENTRIES.jsonl] [--sites H,H]
                        [--fields-min 0.99] [--strict-decisions]

EXPORT.jsonl is `zhengce export --all --format jsonl`; ENTRIES.jsonl `zhengce entries --format
jsonl`.  Prints field accuracy per family, the confusion matrix of decisions by reason, and
the entries comparison; exits 1 when a requirement fails.  The expected values come from the
generator's own model (truth.jsonl), never from zhengce.
"""
import argparse
import collections
import json
import sys

FIELDS = ["title", "docno", "issuers", "written_date", "published_date", "type", "validity"]


def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("export")
    ap.add_argument("--entries")
    ap.add_argument("--sites", help="only pages of these hosts (comma-separated)")
    ap.add_argument("--fields-min", type=float, default=0.99)
    ap.add_argument("--strict-decisions", action="store_true",
                    help="require the included set, every reason and every canonical copy to match")
    ap.add_argument("--show", type=int, default=5, help="mismatches shown per field")
    a = ap.parse_args()
    truth = [t for t in load(a.truth) if not t.get("disallowed")]
    if a.sites:
        hosts = set(a.sites.split(","))
        truth = [t for t in truth if t["site"] in hosts]
    got = {r["url"]: r for r in load(a.export)}
    fails = []

    reached = [t for t in truth if t["url"] in got]
    missing = [t for t in truth if t["url"] not in got]
    print("pages: %d in truth, %d stored, %d missing" % (len(truth), len(reached), len(missing)))
    for t in missing[: a.show]:
        print("  missing %s (%s, %s)" % (t["url"], t["family"], t["decision"]))
    inc_missing = [t for t in missing if t["decision"] == "included"]
    if inc_missing:
        fails.append("%d included articles not reached" % len(inc_missing))

    # field accuracy per family
    per = collections.defaultdict(lambda: collections.Counter())
    bad = collections.defaultdict(list)
    for t in reached:
        r = got[t["url"]]
        for f in FIELDS:
            ok = r.get(f) == t[f]
            per[(t["family"], f)]["n"] += 1
            per[(t["family"], f)]["ok"] += ok
            per[("ALL", f)]["n"] += 1
            per[("ALL", f)]["ok"] += ok
            if not ok:
                bad[f].append((t["url"], t[f], r.get(f)))
    fams = sorted({k[0] for k in per})
    print("\nfield accuracy (%):")
    print("%-14s" % "family" + "".join("%15s" % f for f in FIELDS))
    for fam in fams:
        row = "%-14s" % fam
        for f in FIELDS:
            c = per[(fam, f)]
            row += "%15s" % ("%.1f" % (100.0 * c["ok"] / c["n"]) if c["n"] else "-")
        print(row)
    for f in FIELDS:
        c = per[("ALL", f)]
        if c["n"] and c["ok"] / c["n"] < a.fields_min:
            fails.append("field %s: %.2f%% < %.1f%%" % (f, 100.0 * c["ok"] / c["n"], 100 * a.fields_min))
        for u, want, have in bad[f][: a.show]:
            print("  %s: %s\n     truth %r\n     got   %r" % (f, u, want, have))

    # decisions
    conf = collections.Counter()
    for t in reached:
        r = got[t["url"]]
        want = t["reason"] or "included"
        have = (r.get("reason") or "included") if r.get("decision") else "?"
        conf[(want, have)] += 1
    labels = sorted({k[0] for k in conf} | {k[1] for k in conf})
    print("\ndecisions (rows: truth, columns: zhengce):")
    print("%-15s" % "" + "".join("%9s" % l[:8] for l in labels))
    for w in labels:
        print("%-15s" % w + "".join("%9s" % (conf[(w, h)] or ".") for h in labels))
    wrong = [(t, got[t["url"]]) for t in reached if (t["reason"] or "included") != (got[t["url"]].get("reason") or "included")]
    for t, r in wrong[: a.show * 2]:
        print("  %s\n     truth %s, got %s: %s" % (t["url"], t["reason"] or "included", r.get("reason") or "included", r.get("evidence", "")))
    truth_inc = {t["url"] for t in truth if t["decision"] == "included"}
    got_inc = {u for u, r in got.items() if r.get("decision") == "included" and (not a.sites or r["url"] in {t["url"] for t in truth})}
    print("\nincluded: truth %d, zhengce %d, both %d" % (len(truth_inc), len(got_inc), len(truth_inc & got_inc)))
    canon_bad = [t for t in reached if t["reason"] == "duplicate" and got[t["url"]].get("canonical_url") != t["canonical_url"]]
    print("duplicates pointing at the wrong canonical copy: %d" % len(canon_bad))
    if a.strict_decisions:
        if truth_inc != got_inc:
            fails.append("included set differs (%d missing, %d extra)" % (len(truth_inc - got_inc), len(got_inc - truth_inc)))
        if wrong:
            fails.append("%d pages with the wrong decision" % len(wrong))
        if canon_bad:
            fails.append("%d duplicates with the wrong canonical copy" % len(canon_bad))

    if a.entries:
        ents = load(a.entries)
        got_e = {e["code"]: e for e in ents}
        want_e = {}
        for t in truth:
            if t["decision"] == "included":
                for e in t["entries"]:
                    want_e[e["code"]] = e
        same_code = set(got_e) & set(want_e)
        same_text = [c for c in same_code if got_e[c]["text"] == want_e[c]["text"]]
        print("\nentries: truth %d, zhengce %d, same code %d, same code and text %d" %
              (len(want_e), len(got_e), len(same_code), len(same_text)))
        for c in sorted(set(want_e) - set(got_e))[: a.show]:
            print("  missing entry %s" % c)
        for c in sorted(set(got_e) - set(want_e))[: a.show]:
            print("  extra entry %s" % c)
        for c in sorted(set(same_code) - set(same_text))[: a.show]:
            print("  text differs %s:\n     truth %r\n     got   %r" % (c, want_e[c]["text"][:120], got_e[c]["text"][:120]))
        if a.strict_decisions and (len(same_text) != len(want_e) or len(got_e) != len(want_e)):
            fails.append("entries differ")
    if fails:
        print("\nFAILED: " + "; ".join(fails))
        sys.exit(1)
    print("\nmatches the ground truth")


if __name__ == "__main__":
    main()
