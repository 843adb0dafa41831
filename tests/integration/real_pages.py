#!/usr/bin/env python3
"""Field accuracy of zhengce on pages saved from the real sites, against hand labels.

usage: real_pages.py ZHENGCE PAGES_DIR LABELS_DIR [--min FRACTION] [--verbose]

Every LABELS_DIR/NAME.json (written by hand, see tests/fixtures/real/SOURCES) is compared with
`ZHENGCE parse --url URL [--content-type CT] PAGES_DIR/NAME.html`. The page bytes live outside
the repository (their licences are their authors'), so when PAGES_DIR does not exist the test
prints "skipped: no real pages at DIR" and exits 77 (ctest's skip code).

A field is right when it equals the label exactly (issuers as a list, in order). The body is right
when its bigram F1 against the labelled body is at least 0.9 (tests/integration/bodymetric.py),
or, for a label that gives only body_first and body_last, when the body begins and ends with them.
Prints the accuracy of every field, overall and per family, and the wrong values with -v; exits 1
when a field's overall accuracy is below --min (0.95 unless given), 2 on bad input.
"""
import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bodymetric import body_ends_match, prf  # noqa: E402

FIELDS = ["title", "docno", "issuers", "written_date", "published_date", "type", "validity", "body"]
BODY_F1 = 0.9


def load_labels(labels_dir):
    labels = {}
    for name in sorted(os.listdir(labels_dir)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(labels_dir, name)
        with open(path, encoding="utf-8") as f:
            try:
                label = json.load(f)
            except json.JSONDecodeError as e:
                raise SystemExit(f"real_pages: {path}: not JSON ({e}); fix the label")
        unknown = set(label) - set(FIELDS) - {"body_first", "body_last", "_url", "_content_type",
                                              "_site", "_family", "_note"}
        if unknown:
            raise SystemExit(f"real_pages: {path}: unknown key {sorted(unknown)[0]}; "
                             "use the keys of tests/fixtures/pages/*.json")
        if not label.get("_url"):
            raise SystemExit(f"real_pages: {path}: no _url; give the page's original address")
        labels[name[:-5]] = label
    return labels


def parse(zhengce, page, label):
    cmd = [zhengce, "parse", "--url", label["_url"]]
    if label.get("_content_type"):
        cmd += ["--content-type", label["_content_type"]]
    cmd.append(page)
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode != 0:
        return None, r.stderr.decode("utf-8", "replace").strip()
    return json.loads(r.stdout), ""


def judge(field, got, label):
    if field == "body":
        if "body" in label:
            f1 = prf(got.get("body", ""), label["body"])[2]
            return f1 >= BODY_F1, f"F1 {f1:.3f}"
        ok = body_ends_match(got.get("body", ""), label["body_first"], label["body_last"])
        return ok, "first/last paragraph " + ("found" if ok else "not found")
    want = label.get(field, [] if field == "issuers" else "")
    return got.get(field) == want, f"got {json.dumps(got.get(field), ensure_ascii=False)}, " \
                                   f"want {json.dumps(want, ensure_ascii=False)}"


def main():
    ap = argparse.ArgumentParser(description="field accuracy on real saved pages")
    ap.add_argument("zhengce")
    ap.add_argument("pages_dir")
    ap.add_argument("labels_dir")
    ap.add_argument("--min", type=float, default=0.95, help="lowest accepted accuracy per field")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every wrong field")
    a = ap.parse_args()
    if not os.path.isdir(a.pages_dir):
        print(f"skipped: no real pages at {a.pages_dir}")
        return 77
    if not os.path.isdir(a.labels_dir):
        print(f"real_pages: no labels directory {a.labels_dir}", file=sys.stderr)
        return 2
    labels = load_labels(a.labels_dir)
    if not labels:
        print(f"real_pages: no labels in {a.labels_dir}", file=sys.stderr)
        return 2
    right = defaultdict(int)              # (family, field) -> count; family "" is all
    total = defaultdict(int)
    missing = []
    for name, label in labels.items():
        page = os.path.join(a.pages_dir, name + ".html")
        if not os.path.exists(page):
            missing.append(name)
            continue
        fam = label.get("_family", "other")
        got, err = parse(a.zhengce, page, label)
        for field in FIELDS:
            if got is None:
                ok, why = False, "parse failed: " + err
            else:
                ok, why = judge(field, got, label)
            for key in ("", fam):
                total[key, field] += 1
                right[key, field] += ok
            if not ok and a.verbose:
                print(f"  {name} [{fam}] {field}: {why}")
    if missing:
        print(f"real_pages: {len(missing)} labelled pages are not in {a.pages_dir}: "
              f"{', '.join(missing)}; save them there (see SOURCES)", file=sys.stderr)
        return 2
    fams = sorted({label.get("_family", "other") for label in labels.values()})
    n = total["", FIELDS[0]]
    print(f"{n} pages, {len(fams)} families; field accuracy (right/total)")
    head = f"{'field':<15}{'all':>10}" + "".join(f"{f:>12}" for f in fams)
    print(head)
    failed = []
    for field in FIELDS:
        row = f"{field:<15}{right['', field]:>5}/{total['', field]:<4}"
        for fam in fams:
            row += f"{right[fam, field]:>7}/{total[fam, field]:<4}"
        print(row)
        if right["", field] < a.min * total["", field]:
            failed.append(f"{field} {right['', field] / total['', field]:.0%}")
    all_right = sum(right["", f] for f in FIELDS)
    all_total = sum(total["", f] for f in FIELDS)
    print(f"overall {all_right}/{all_total} = {all_right / all_total:.1%}")
    if failed:
        print(f"below {a.min:.0%}: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
