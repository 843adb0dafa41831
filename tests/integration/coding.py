#!/usr/bin/env python3
"""Coding the entries, round trip on the mirror corpus: sheets -> two (then three) simulated
coders with a known pattern of disagreement -> import -> agree, compared with an independent
computation (NLTK's agreement module, Debian's python3-nltk, and the formulas written out here)
-> adjudication sheet filled as the meeting would -> resolve with a normalisation map -> the
final codes are the ones constructed.  Then codings survive a reselect that drops documents
(flagged "left") and one that brings them back.

usage: coding.py ZHENGCE WORKDIR   (Debian's python3: python3-openpyxl, python3-nltk)
"""
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys

import openpyxl
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = []
SITES = "wsjkw.zj.gov.cn,www.nhc.gov.cn"
CATS = ["unit", "model", "environment", "interface"]
NAMES = {"unit": "共生单元", "model": "共生模式", "environment": "共生环境", "interface": "共生界面"}
REL_HEADER = "支援关系 (共生单元 A->B)"
UNITS = ["政府", "三级医院", "二级医院", "基层医疗卫生机构", "医务人员", "患者"]
MODELS = ["城市医疗集团", "县域医共体", "专科联盟", "对口支援", "医联体"]
ENVS = ["财政投入", "医保支付", "人事薪酬", "信息化", "考核监管"]
IFACES = ["人员下沉", "双向转诊", "远程服务", "技术帮扶"]
SYNONYMS = {"专家": "医务人员", "人力资源": "医务人员"}


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def h(s):
    return int(hashlib.sha256(s.encode()).hexdigest()[:8], 16)


def truth_of(i, entry):
    """The codes a careful coder gives entry i (before normalisation: 专家 is 医务人员's synonym)."""
    x = h(entry)
    units = [UNITS[x % 6], UNITS[(x // 7) % 6]]
    if units[0] == units[1]:
        units = units[:1]
    if i % 4 == 0 and "医务人员" not in units:
        units.append("专家")
    rel = [(units[0], units[1])] if len(units) > 1 and i % 3 == 0 else []
    return {"unit": units, "model": [MODELS[(x // 11) % 5]], "environment": [ENVS[(x // 13) % 5], ENVS[(x // 17) % 5]][:1 + i % 2],
            "interface": [] if i % 9 == 0 else [IFACES[(x // 19) % 4]], "relations": rel}


def coder_b(i, t):
    """Coder B: the truth, but with a known pattern of disagreement."""
    b = json.loads(json.dumps(t))
    if i % 5 == 0:
        b["unit"] = b["unit"] + ["患者"] if "患者" not in b["unit"] else b["unit"][:-1] or ["政府"]
        b["relations"] = [r for r in b["relations"] if r[0] in b["unit"] and r[1] in b["unit"]]
    if i % 7 == 0:
        b["model"] = [MODELS[(MODELS.index(b["model"][0]) + 1) % 5]]
    if i % 11 == 0:
        b["interface"] = []
    if i % 6 == 3:
        b["relations"] = []
    return b


def coder_c(i, t):
    c = json.loads(json.dumps(t))
    if i % 4 == 1:
        c["environment"] = c["environment"][:1] + ["考核监管"] if "考核监管" not in c["environment"] else c["environment"][:1]
    return c


def cell(values):
    return "；".join(values)


def rel_cell(rels):
    return "；".join("%s->%s" % tuple(r) for r in rels)


def norm(vals):
    out = []
    for v in vals:
        v = SYNONYMS.get(v, v)
        if v not in out:
            out.append(v)
    return out


def masi(a, b):
    """MASI (Passonneau 2006), written out: 1 - Jaccard x monotonicity (1, 2/3, 1/3, 0); the empty
    set ("no code") equal to itself, disjoint from the rest."""
    if not a or not b:
        return 0.0 if a == b else 1.0
    inter, union = len(a & b), len(a | b)
    m = 1.0 if a == b else 2.0 / 3 if inter == min(len(a), len(b)) else 1.0 / 3 if inter else 0.0
    return 1.0 - inter / union * m


def independent(codings, coders, key):
    """The coefficients of one category from codings {coder: {entry: frozenset}}, by NLTK and by
    hand; entries a coder did not code are missing."""
    items = sorted(set().union(*[set(codings[c]) for c in coders]))
    both = [i for i in items if all(i in codings[c] for c in coders)]
    out = {}
    pairs = agree = hm = hn = 0
    for a in range(len(coders)):
        for b in range(a + 1, len(coders)):
            for i in items:
                if i in codings[coders[a]] and i in codings[coders[b]]:
                    x, y = codings[coders[a]][i], codings[coders[b]][i]
                    pairs += 1
                    agree += x == y
                    hm += 2 * (len(x & y) if (x or y) else 1)
                    hn += max(len(x), 1) + max(len(y), 1)
    out["percent"] = agree / pairs
    out["holsti"] = hm / hn
    complete = AnnotationTask(data=[(c, i, codings[c][i]) for c in coders for i in both], distance=binary_distance)
    if len(coders) == 2:
        out["cohen_kappa"] = complete.kappa()
        out["scott_pi"] = complete.pi()
    else:
        out["fleiss_kappa"] = complete.pi()  # Artstein & Poesio: Fleiss' kappa is multi-pi
    alld = [(c, i, codings[c][i]) for c in coders for i in items if i in codings[c]]
    out["alpha_nominal"] = AnnotationTask(data=alld, distance=binary_distance).alpha()
    out["alpha_masi"] = AnnotationTask(data=alld, distance=masi).alpha()
    return out


def compare(rep, codings_by_cat, coders, what):
    for cat_rep in rep["categories"] + [dict(rep["overall"], category="all")]:
        cat = cat_rep["category"]
        want = independent(codings_by_cat[cat], coders, cat)
        bad = [(k, cat_rep.get(k), v) for k, v in want.items() if cat_rep.get(k) is None or abs(cat_rep[k] - v) > 1e-9]
        check(not bad, "%s, %s: %s as computed independently%s" % (
            what, cat, ", ".join("%s %.4f" % (k, v) for k, v in sorted(want.items())), (": differ " + repr(bad)) if bad else ""))
        for k, (lo, hi) in cat_rep.get("ci95", {}).items():
            if not (lo - 1e-9 <= cat_rep[k] <= hi + 1e-9):
                check(False, "%s, %s: %s %.4f outside its interval [%.4f, %.4f]" % (what, cat, k, cat_rep[k], lo, hi))


def by_category(sheets):
    """{category: {coder: {entry: frozenset}}} from {coder: {entry: codes}}, with the relations as
    unit:relations and "all" pooled (labels prefixed by category, as zhengce pools them)."""
    out = {}
    for coder, rows in sheets.items():
        for entry, t in rows.items():
            for cat in CATS + ["unit:relations"]:
                v = frozenset("%s->%s" % tuple(r) for r in t["relations"]) if cat == "unit:relations" else frozenset(t[cat])
                out.setdefault(cat, {}).setdefault(coder, {})[entry] = v
                p = frozenset(cat + "\x1e" + x for x in v) or frozenset([cat + "\x1e"])
                out.setdefault("all", {}).setdefault(coder, {}).setdefault(entry + "|" + cat, p)
    # "all": one unit an entry and category
    return out


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work)

    def run(*args, corpus_=True):
        return subprocess.run([zc, "code", *args] + (["--corpus", corpus] if corpus_ else []), capture_output=True, text=True)

    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus, extra=("--site", SITES)), capture_output=True, text=True)
        check(r.returncode == 0, "crawl of %s: exit %d" % (SITES, r.returncode))

    # the codebook
    r = run("codebook", corpus_=False)
    check(r.returncode == 0 and all(n in r.stdout for n in NAMES.values()) and "支援关系" in r.stdout,
          "code codebook prints the four categories and the relation")
    bad = json.load(open(ROOT + "/codebooks/symbiosis.json"))
    bad["categories"][2]["codes"][1]["keywrds"] = []
    open(work + "/bad.json", "w").write(json.dumps(bad, ensure_ascii=False))
    r = run("codebook", "--codebook", work + "/bad.json", corpus_=False)
    check(r.returncode == 1 and 'categories[2].codes[1]: unknown field "keywrds"' in r.stderr,
          "a mistyped field of a codebook is refused, named: " + r.stderr.strip()[:120])

    # the sheets
    for c in ("A", "B"):
        r = run("sheet", "--coder", c, "-o", "%s/%s.xlsx" % (work, c))
        check(r.returncode == 0, "code sheet --coder %s: %s" % (c, (r.stdout + r.stderr).strip()))
    wb = openpyxl.load_workbook(work + "/A.xlsx")
    ws = wb["coding"]
    head = [x.value for x in ws[1]]
    check(head == ["entry", "province", "year", "title", "text", "url", NAMES["unit"], REL_HEADER, NAMES["model"],
                   NAMES["environment"], NAMES["interface"], "note"], "the sheet's columns: " + repr(head))
    entries = [ws.cell(r_, 1).value for r_ in range(2, ws.max_row + 1)]
    ents = {json.loads(l)["code"]: json.loads(l) for l in subprocess.run(
        [zc, "entries", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True).stdout.splitlines()}
    check(sorted(entries) == sorted(ents) and len(entries) > 50, "one row an entry of the selection (%d)" % len(entries))
    dvs = {str(dv.sqref).split(":")[0][:1]: dv for dv in ws.data_validations.dataValidation}
    lists = wb["lists"]
    ok = wb["lists"].sheet_state == "hidden"
    for col, cat in (("G", "unit"), ("I", "model"), ("J", "environment"), ("K", "interface")):
        dv = dvs.get(col)
        ok &= dv is not None and dv.type == "list" and dv.formula1.startswith("lists!")
        if dv is not None:
            rng = dv.formula1.split("!")[1].replace("$", "")
            a, b = rng.split(":")
            listed = [lists[a[0] + str(k)].value for k in range(int(a[1:]), int(b[1:]) + 1)]
            want = [c["code"] for c in json.load(open(ROOT + "/codebooks/symbiosis.json"))["categories"][CATS.index(cat)]["codes"]]
            ok &= listed == want and str(dv.sqref) == "%s2:%s%d" % (col, col, ws.max_row)
    check(ok, "a drop-down (data validation, list) of each category's codes over its column")
    check(ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:L%d" % ws.max_row and "codebook" in wb.sheetnames and
          ws.column_dimensions["E"].width > 50, "frozen header and entry column, filters, widths, a codebook sheet")
    check(all(ws.cell(r_, c_).value is None for r_ in range(2, ws.max_row + 1) for c_ in range(7, 13)),
          "blind: no coder's values on the sheet")
    for c in ("A", "B"):
        run("sheet", "--coder", c, "--sample", "20", "--seed", "5", "-o", "%s/s%s.csv" % (work, c))
    run("sheet", "--coder", "A", "--sample", "20", "--seed", "6", "-o", work + "/s6.csv")
    rows = {c: list(csv.reader(open("%s/s%s.csv" % (work, c), encoding="utf-8-sig"))) for c in ("A", "B", "6")}
    sa = [x[0] for x in rows["A"][1:]]
    check(len(sa) == 20 and sa == [x[0] for x in rows["B"][1:]] and sa != [x[0] for x in rows["6"][1:]] and
          open(work + "/sA.csv", "rb").read(3) == b"\xef\xbb\xbf",
          "--sample 20 --seed 5: the same 20 entries for both coders, others for another seed; CSV with a BOM")

    # two coders fill round 1: A in Excel (XLSX), B saves CSV as Excel does on a Chinese system
    # (GB18030); B leaves some entries uncoded (missing values)
    truth, sheets = {}, {"A": {}, "B": {}}
    for i, e in enumerate(entries):
        truth[e] = truth_of(i, e)
        sheets["A"][e] = truth[e]
        if i % 13 != 12:
            sheets["B"][e] = coder_b(i, truth[e])
    for r_ in range(2, ws.max_row + 1):
        t = sheets["A"][ws.cell(r_, 1).value]
        for col, cat in ((7, "unit"), (9, "model"), (10, "environment"), (11, "interface")):
            ws.cell(r_, col).value = cell(t[cat]) or None
        ws.cell(r_, 8).value = rel_cell(t["relations"]) or None
    wb.save(work + "/A-filled.xlsx")
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["entry", NAMES["unit"], REL_HEADER, NAMES["model"], NAMES["environment"], NAMES["interface"], "note"])
    for e in entries:
        t = sheets["B"].get(e)
        w.writerow([e] + (["", "", "", "", "", ""] if t is None else
                          [cell(t["unit"]), rel_cell(t["relations"]), cell(t["model"]), cell(t["environment"]),
                           cell(t["interface"]), "核对"]))
    open(work + "/B-filled.csv", "wb").write(out.getvalue().encode("gb18030"))
    r = run("import", work + "/A-filled.xlsx", "--coder", "A", "--round", "1")
    check(r.returncode == 0 and "%d stored" % len(entries) in r.stdout, "import of A's XLSX: " + r.stdout.strip())
    r = run("import", work + "/B-filled.csv", "--coder", "B", "--round", "1")
    check(r.returncode == 0 and "%d stored" % len(sheets["B"]) in r.stdout and
          "%d not coded" % (len(entries) - len(sheets["B"])) in r.stdout, "import of B's GB18030 CSV: " + r.stdout.strip())
    before = run("list", "--format", "jsonl").stdout
    r = run("import", work + "/A-filled.xlsx", "--coder", "A", "--round", "1")
    check(r.returncode == 0 and "%d unchanged" % len(entries) in r.stdout and run("list", "--format", "jsonl").stdout == before,
          "importing the same sheet again changes nothing: " + r.stdout.strip())
    stored = [json.loads(l) for l in before.splitlines()]
    check(all(s["codes"]["unit"] == sheets[s["coder"]][s["entry"]]["unit"] and
              hashlib.sha256(ents[s["entry"]]["text"].encode()).hexdigest() == s["text_sha256"] for s in stored),
          "each coding holds the coder's codes and the SHA-256 of its entry's text")

    # agreement, round 1, against NLTK and the formulas above
    r = run("agree", "--round", "1", "--format", "json", "--bootstrap", "200")
    rep = json.loads(r.stdout)[0] if r.returncode == 0 else {"categories": [], "overall": {}}
    compare(rep, by_category(sheets), ["A", "B"], "round 1")
    want_dis = sorted(e for e in sheets["B"] if any(
        set(sheets["A"][e][c]) != set(sheets["B"][e][c]) for c in CATS) or
        set(map(tuple, sheets["A"][e]["relations"])) != set(map(tuple, sheets["B"][e]["relations"])))
    got_dis = sorted(d["entry"] for d in rep.get("disagreements", []))
    check(got_dis == want_dis, "the disagreements: the %d entries the pattern made differ" % len(want_dis))
    r = run("agree", "--round", "1", "--bootstrap", "50")
    check(r.returncode == 0 and "共生单元 unit" in r.stdout and "95% interval" in r.stdout, "agree's table")

    # round 2: three coders on the sample (Fleiss)
    r3 = {"A": {}, "B": {}, "C": {}}
    for e in sa:
        i = entries.index(e)
        r3["A"][e], r3["B"][e], r3["C"][e] = truth[e], coder_b(i, truth[e]), coder_c(i, truth[e])
    for c in ("A", "B", "C"):
        rows_ = [["entry", NAMES["unit"], REL_HEADER, NAMES["model"], NAMES["environment"], NAMES["interface"]]]
        for e in sa:
            t = r3[c][e]
            rows_.append([e, cell(t["unit"]), rel_cell(t["relations"]), cell(t["model"]), cell(t["environment"]), cell(t["interface"])])
        with open("%s/r2%s.csv" % (work, c), "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(rows_)
        r = run("import", "%s/r2%s.csv" % (work, c), "--coder", c, "--round", "2")
        check(r.returncode == 0, "round 2, coder %s: %s" % (c, r.stdout.strip()))
    r = run("agree", "--format", "json", "--bootstrap", "0")
    reps = json.loads(r.stdout) if r.returncode == 0 else []
    check([x["round"] for x in reps] == [1, 2], "agree without --round: every round, in order")
    if len(reps) == 2:
        compare(reps[1], by_category(r3), ["A", "B", "C"], "round 2 (three coders)")

    # adjudication: the meeting writes the true codes where the sheet asks
    r = run("agree", "--round", "1", "--adjudication", work + "/adj.xlsx", "--disagreements", work + "/dis.csv")
    check(r.returncode == 0 and os.path.exists(work + "/adj.xlsx"), "agree writes the adjudication sheet")
    dis_rows = list(csv.reader(open(work + "/dis.csv", encoding="utf-8-sig")))
    check(dis_rows[0] == ["round", "entry", "category", "coder", "values"] and
          sorted(set(x[1] for x in dis_rows[1:])) == want_dis, "the disagreements as CSV")
    wb = openpyxl.load_workbook(work + "/adj.xlsx")
    ws = wb["coding"]
    hd = [x.value for x in ws[1]]
    adj_entries = [ws.cell(r_, 1).value for r_ in range(2, ws.max_row + 1)]
    check(sorted(adj_entries) == want_dis and "共生单元 [A]" in hd and "共生单元 [B]" in hd and NAMES["unit"] in hd,
          "the adjudication sheet: a row a disagreement, each coder's values and the column to fill")
    for r_ in range(2, ws.max_row + 1):
        t = truth[ws.cell(r_, 1).value]
        for cat in CATS:
            ws.cell(r_, hd.index(NAMES[cat]) + 1).value = cell(t[cat]) or None
        ws.cell(r_, hd.index(REL_HEADER) + 1).value = rel_cell(t["relations"]) or None
    wb.save(work + "/adj-filled.xlsx")
    json.dump({"unit": SYNONYMS}, open(work + "/map.json", "w"), ensure_ascii=False)
    r = run("resolve", "--round", "1", "--sheet", work + "/adj-filled.xlsx", "--map", work + "/map.json")
    n_single = len(entries) - len(sheets["B"])
    check(r.returncode == 0 and "%d adjudicated" % len(want_dis) in r.stdout and "%d coded once" % n_single in r.stdout and
          "0 unresolved" in r.stdout, "resolve: " + r.stdout.strip().replace("\n", " | "))
    units_before = len({u for e in entries for u in (truth[e]["unit"] if e not in sheets["B"] or e in want_dis
                                                     else sheets["A"][e]["unit"])})
    units_after = len({u for e in entries for u in norm(truth[e]["unit"])})
    check("共生单元 %d -> %d" % (units_before, units_after) in r.stdout,
          "distinct unit codes before and after the map: %d -> %d" % (units_before, units_after))
    finals = {json.loads(l)["entry"]: json.loads(l) for l in run("list", "--final", "--format", "jsonl").stdout.splitlines()}
    ok = sorted(finals) == sorted(entries)
    for e in entries:
        f, t = finals.get(e, {}), truth[e]
        ok &= all(f.get("codes", {}).get(c) is not None and sorted(f["codes"][c]) == sorted(norm(t[c])) for c in CATS)
        want_rel = sorted({(SYNONYMS.get(a, a), SYNONYMS.get(b, b)) for a, b in t["relations"]})
        ok &= sorted(map(tuple, f.get("relations", {}).get("unit", []))) == want_rel
        ok &= f.get("from") == ("adjudication" if e in want_dis else "single" if e not in sheets["B"] else "agreement")
        ok &= not f.get("left") and not f.get("changed")
    check(ok, "the final codes are the constructed ones (normalised), each from where it should come")
    r = run("resolve", "--round", "1", "--sheet", work + "/adj-filled.xlsx", "--map", work + "/map.json")
    check(r.returncode == 0 and "0 final records written, %d unchanged" % len(entries) in r.stdout,
          "resolving again changes nothing")

    # rows that cannot be used: each reported with its reason, the others stored
    rows_ = [["entry", NAMES["unit"], REL_HEADER, NAMES["model"]],
             [entries[0], "三级医院", "三级医院->患者", ""], ["99-1-1-1", "政府", "", ""], [entries[1], "=1+1", "", ""],
             [entries[2], "政府", "", ""], [entries[2], "政府", "", ""], [entries[3], "政府；患者", "政府->患者", "医联体"]]
    with open(work + "/bad.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows_)
    r = run("import", work + "/bad.csv", "--coder", "D", "--round", "3")
    err = r.stderr
    check(r.returncode == 1 and "row 2 (%s)" % entries[0] in err and '"患者" is not among' in err and
          "row 3 (99-1-1-1): entry 99-1-1-1 is not in the corpus's selection" in err and "formula" in err and
          "row 6 (%s): entry %s is also in row 5" % (entries[2], entries[2]) in err and "2 stored" in r.stdout,
          "unusable rows reported with row, entry and reason; the others stored: " + err.strip().replace("\n", " | ")[:300])
    with open(work + "/badhead.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["entry", "共生单兀"], [entries[0], "政府"]])
    r = run("import", work + "/badhead.csv", "--coder", "D", "--round", "3")
    check(r.returncode == 1 and '"共生单兀" is neither a category' in r.stderr, "an unknown column is refused, named")

    # codings survive reselects: documents that leave are flagged, not lost; they come back
    prof = json.load(open(ROOT + "/profiles/reference.json"))
    prof["date_range"] = ["2009-01-01", "2018-12-31"]
    json.dump(prof, open(work + "/narrow.json", "w"), ensure_ascii=False)
    r = subprocess.run([zc, "reselect", "--corpus", corpus, "--profile", work + "/narrow.json"], capture_output=True, text=True)
    left = {json.loads(l)["entry"] for l in run("list", "--final", "--format", "jsonl").stdout.splitlines() if json.loads(l)["left"]}
    now = {json.loads(l)["code"] for l in subprocess.run([zc, "entries", "--format", "jsonl", "--corpus", corpus],
                                                         capture_output=True, text=True).stdout.splitlines()}
    check(r.returncode == 0 and left and left == set(entries) - now and len(run("list", "--final").stdout.splitlines()) == len(entries),
          "a reselect that drops %d entries keeps their final codes, flagged left" % len(left))
    r = subprocess.run([zc, "reselect", "--corpus", corpus], capture_output=True, text=True)
    left = [l for l in run("list", "--final", "--format", "jsonl").stdout.splitlines() if json.loads(l)["left"]]
    check(r.returncode == 0 and not left, "reselect with the reference profile again: none left")

    print("%d checks failed" % len(fails) if fails else "all checks passed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
