#!/usr/bin/env python3
"""The files researchers open, read by the programs they open them with: the XLSX by openpyxl
(date cells, widths, the header frozen, filters, Excel's cell limit), the CSVs by pandas (codes
as text), the text files of export --text; rows in the order of their codes, as numbers.

One page of the mirror is made longer than an Excel cell holds (a long plan is a real case):
its text must reach the XLSX cut at the limit, with a marker and a warning, never dropped.

usage: files.py ZHENGCE WORKDIR   (with Debian's python3: python3-openpyxl, python3-pandas)
"""
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys

import openpyxl
import pandas

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = []
SITES = "wsjkw.zj.gov.cn,www.nhc.gov.cn,wsjk.ln.gov.cn"
PREAMBLE = "为深入贯彻落实党中央、国务院决策部署，结合实际，现提出如下意见。"
EXCEL_MAX = 32767
MARK = "…[cut here: Excel holds 32,767 characters a cell; the whole text is in the CSV and JSONL]"


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def lengthen_one_page(mirror):
    """Puts a paragraph of 40,000 characters after the preamble of one included Zhejiang page
    (UTF-8); returns (its URL, the paragraph)."""
    for line in open(mirror + "/truth.jsonl", encoding="utf-8"):
        t = json.loads(line)
        if t.get("decision") != "included" or "wsjkw.zj.gov.cn" not in t["url"] or t.get("charset") != "utf-8":
            continue
        path = mirror + "/www/" + t["url"].split("://", 1)[1]
        html = open(path, encoding="utf-8").read()
        if html.count(PREAMBLE) != 1:
            continue
        para = "".join("第%d条，加强基层医疗卫生机构标准化建设，提升服务能力。" % i for i in range(1, 1600))[:40000]
        open(path, "w", encoding="utf-8").write(html.replace(PREAMBLE, PREAMBLE + "</p><p>" + para))
        return t["url"], para
    raise RuntimeError("no page to lengthen")


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work)
    long_url, long_para = lengthen_one_page(mirror)
    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus, delay="0.01", max_crawl_delay="0.1", extra=("--site", SITES)),
                           capture_output=True, text=True)
    check(r.returncode == 0, "crawl of three sites: exit %d %s" % (r.returncode, r.stderr.strip()[-200:]))

    def run(*args):
        return subprocess.run([zc, args[0], "--corpus", corpus, *args[1:]], capture_output=True, text=True)

    docs = [json.loads(l) for l in run("export", "--format", "jsonl", "--body").stdout.splitlines()]
    by_code = {d["code"]: d for d in docs}
    long_doc = next((d for d in docs if d["url"] == long_url), None)
    check(long_doc is not None and long_para in long_doc["body"], "the long page is included, its text whole in JSONL")

    # the order of codes as numbers: jurisdiction, then file number; entries then by section, item
    def num(code):
        return tuple(int(x) for x in code.split("-"))
    codes = [d["code"] for d in docs]
    check(len(codes) > 20 and codes == sorted(codes, key=num) and codes != sorted(codes),
          "export: rows by code as numbers (00-2 before 00-10), %d documents" % len(codes))
    check(all(d["file_no"] == num(d["code"])[1] for d in docs), "file_no: the code's file number, as a number")
    q = run("query").stdout.splitlines()
    check([l.split()[0] for l in q] == codes, "query: the same order, one line a document")
    ents = list(csv.reader(io.StringIO(run("entries").stdout.lstrip("\ufeff"))))
    ecodes = [e[0] for e in ents[1:]]
    check(len(ecodes) > 20 and ecodes == sorted(ecodes, key=num) and ecodes != sorted(ecodes),
          "entries: by code as numbers (00-2-4-1 before 00-10-0-0), %d entries" % len(ecodes))
    check(ents[0][:3] == ["code", "doc_code", "file_no"] and all(int(e[2]) == num(e[0])[1] for e in ents[1:]),
          "entries: file_no the document's file number")
    alld = [json.loads(l) for l in run("export", "--all", "--format", "jsonl").stdout.splitlines()]
    keys = [(int(d["jurisdiction"]), d["file_no"] is None, d["file_no"] or 0) for d in alld]
    check(any(d["file_no"] is None for d in alld) and keys == sorted(keys, key=lambda k: k[:2] + ((k[2],) if not k[1] else ())),
          "export --all: by jurisdiction, its included documents by code, then the excluded")

    # XLSX, as openpyxl reads it
    r = run("export", "--body", "-o", work + "/d.xlsx")
    warn = [l for l in r.stderr.splitlines() if "warning" in l]
    check(r.returncode == 0 and len(warn) == 1 and "1 cell longer than Excel's 32,767 characters" in warn[0],
          "export --body -o d.xlsx: one warning for the one long text (%s)" % r.stderr.strip())
    wb = openpyxl.load_workbook(work + "/d.xlsx")
    ws = wb["documents"]
    head = [c.value for c in ws[1]]
    check(head[:4] == ["code", "file_no", "jurisdiction", "province"] and "body" in head and "written_date" in head,
          "documents sheet: the columns of docs/CSV.md")
    col = {h: i for i, h in enumerate(head)}
    last = openpyxl.utils.get_column_letter(len(head))
    check(ws.freeze_panes == "A2", "the header row frozen (%s)" % ws.freeze_panes)
    check(ws.auto_filter.ref == "A1:%s%d" % (last, len(docs) + 1), "filters over every row (%s)" % ws.auto_filter.ref)
    widths = {h: ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for h, i in col.items()}
    check(all(w and w > 5 for w in widths.values()) and widths["title"] >= 40 and widths["title"] > widths["code"],
          "every column has a width, the title wide (%s)" % {k: round(v or 0) for k, v in widths.items() if k in ("code", "title", "url")})
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    check([r[col["code"]] for r in rows] == codes, "the rows in the order of the export")
    bad = []
    for r, d in zip(rows, docs):
        for f in ("written_date", "published_date"):
            v = r[col[f]]
            if d[f] and not (isinstance(v, datetime.datetime) and v.strftime("%Y-%m-%d") == d[f]):
                bad.append((d["code"], f, v))
        for f in ("file_no", "year", "entries"):
            if not (isinstance(r[col[f]], int) and r[col[f]] == d[f]) and d[f]:
                bad.append((d["code"], f, r[col[f]]))
        for f in ("code", "jurisdiction", "province", "title", "docno", "type", "url"):
            if (r[col[f]] or "") != d[f]:
                bad.append((d["code"], f, r[col[f]]))
    check(not bad, "dates are date cells, numbers number cells, texts as the JSONL has them (%s)" % bad[:3])
    dcell = ws.cell(row=2, column=col["written_date"] + 1)
    check(dcell.is_date and dcell.number_format == "yyyy-mm-dd", "a date cell shows yyyy-mm-dd (%s)" % dcell.number_format)
    check(ws.cell(row=2, column=col["title"] + 1).alignment.wrap_text, "the title wraps")
    check(all(not (isinstance(v, str) and v.startswith("'")) for r in rows for v in r), "no cell prefixed with '")
    check(all(r[col["jurisdiction"]] in ("00", "21", "33") for r in rows), "jurisdiction cells are text: 00 stays 00")
    lr = rows[codes.index(long_doc["code"])]
    body = lr[col["body"]]
    check(utf16_len(body) <= EXCEL_MAX and body.endswith(MARK) and long_doc["body"].startswith(body[:-len(MARK)]) and
          utf16_len(body) > EXCEL_MAX - 200, "the long text: cut at Excel's limit (%d), marked, the rest as it was" % len(body))
    others = [r[col["body"]] for r in rows if r is not lr]
    check(all(b == by_code[r[col["code"]]]["body"] for r, b in zip((r for r in rows if r is not lr), others)),
          "every other body whole")
    check("profile" in wb.sheetnames, "a profile sheet")

    r = run("entries", "-o", work + "/e.xlsx")
    ws = openpyxl.load_workbook(work + "/e.xlsx")["entries"]
    head = [c.value for c in ws[1]]
    erows = list(ws.iter_rows(min_row=2, values_only=True))
    check(r.returncode == 0 and not r.stderr and [x[0] for x in erows] == ecodes and ws.freeze_panes == "A2" and
          ws.auto_filter.ref and all(isinstance(x[head.index("section")], int) for x in erows) and
          ws.cell(row=2, column=head.index("text") + 1).alignment.wrap_text,
          "entries -o e.xlsx: in order, numbers as numbers, the header frozen, filters, the text wrapped")

    # the CSVs, as pandas reads them
    run("export", "-o", work + "/d.csv")
    run("entries", "-o", work + "/e.csv")
    df = pandas.read_csv(work + "/d.csv")
    check(df["code"].dtype == object and list(df["code"]) == codes and str(df["file_no"].dtype) == "int64" and
          str(df["year"].dtype) == "int64", "pandas.read_csv: code as text, file_no and year as numbers")
    df = pandas.read_csv(work + "/d.csv", dtype={"jurisdiction": str})
    check(df["jurisdiction"].iloc[0] == "00" and set(df["jurisdiction"]) == {"00", "21", "33"},
          "pandas.read_csv with dtype jurisdiction str (docs/CSV.md): 00 stays 00")
    check(list(df.sort_values(["jurisdiction", "file_no"])["code"]) == codes, "sorting by jurisdiction and file_no gives the code order")
    de = pandas.read_csv(work + "/e.csv")
    check(de["code"].dtype == object and de["doc_code"].dtype == object and list(de["code"]) == ecodes and
          str(de["section"].dtype) == "int64", "pandas.read_csv entries: code and doc_code as text, section a number")
    dx = pandas.read_excel(work + "/d.xlsx", dtype={"jurisdiction": str})
    check(list(dx["code"]) == codes and dx["jurisdiction"].iloc[0] == "00", "pandas.read_excel: the same codes")

    # export --text DIR: a file a document, its fields then its text
    tdir = work + "/text"
    r = run("export", "--text", tdir)
    names = sorted(os.listdir(tdir)) if os.path.isdir(tdir) else []
    check(r.returncode == 0 and names == sorted(c + ".txt" for c in codes), "export --text: one file a document (%d)" % len(names))
    bad = []
    for d in docs:
        raw = open("%s/%s.txt" % (tdir, d["code"]), "rb").read()
        text = raw.decode("utf-8")
        headblock, _, body = text.lstrip("\ufeff").partition("\n\n")
        fields = dict(l.split(": ", 1) for l in headblock.split("\n"))
        want = {"code": d["code"], "title": d["title"], "docno": d["docno"], "written_date": d["written_date"],
                "province": d["province"], "url": d["url"], "issuers": "; ".join(d["issuers"])}
        if not raw.startswith(b"\xef\xbb\xbf") or any(fields.get(k) != v for k, v in want.items()) or \
                body.rstrip("\n") != d["body"] or "body" in fields:
            bad.append(d["code"])
    check(not bad, "each file: a BOM, the fields as the JSONL has them, a blank line, the whole text (%s)" % bad[:3])
    check(not [f for f in os.listdir(work) if ".part-" in f], "nothing left beside it")

    def refused(args, *words):
        r = run(*args)
        check(r.returncode == 2 and len(r.stderr.splitlines()) == 1 and all(w in r.stderr for w in words),
              "%s: exit %d, %r" % (" ".join(args), r.returncode, r.stderr.strip()))

    refused(["export", "--text", tdir], "not empty", tdir)
    refused(["export", "--text", work + "/t2", "--excluded"], "--text", "--excluded")
    refused(["export", "--text", work + "/t2", "-o", work + "/x.csv"], "--text", "-o")
    refused(["entries", "--text", work + "/t2"], "--text", "entries")
    refused(["query", "--body"], "--body", "query")
    check(not os.path.exists(work + "/t2") and not os.path.exists(work + "/x.csv"), "nothing written by a refused --text")
    os.makedirs(work + "/empty")
    r = run("export", "--text", work + "/empty", "--province", "辽宁", "--no-bom")
    got = sorted(os.listdir(work + "/empty"))
    check(r.returncode == 0 and got == sorted(c + ".txt" for c in codes if c.startswith("21-")) and
          not open(work + "/empty/" + got[0], "rb").read().startswith(b"\xef\xbb\xbf"),
          "export --text into an empty directory, filtered, --no-bom: %d files" % len(got))

    print("%d failed" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
