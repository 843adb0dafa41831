#!/usr/bin/env python3
"""Selection on another seed, reselect with a narrower profile, and XLSX.

usage: select_profiles.py ZHENGCE WORKDIR

1. A mirror from seed 2 (other templates, page orders and distractors): the corpus equals its
   truth.jsonl exactly (included set, every reason, every canonical copy, entries).
2. `zhengce reselect` with the reference profile minus 支援 and 帮扶: the documents that stay
   included are those whose text (truth.jsonl: keywords, health_context) still holds a topic
   word, computed here from the truth; their file codes do not change; the entries are the
   units whose text still mentions a topic word (a document left with none is one 0-0 entry).
3. kill -9 in the middle of `zhengce reselect` (12 times, at random moments): the corpus shows
   the narrower selection whole or the new one whole, never a mix, and `zhengce check` passes.
4. `zhengce reselect` with the reference profile again: 609 documents, the original codes.
5. XLSX: the workbook opens as a zip with the sheet XML an independent reader expects, one
   row per document plus the header, Chinese titles intact.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MIRROR_PY = os.path.join(ROOT, "tests", "mirror", "mirror.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "mirror"))
from harness import Mirror  # noqa: E402
fails = []
checks = []


def check(cond, what):
    checks.append(what)
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        fails.append(what)


def xlsx_rows(z, sheet="xl/worksheets/sheet1.xml"):
    """A sheet's rows (the first's by default) as lists of cell texts: shared strings, inline strings or values."""
    import xml.etree.ElementTree as ET
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        shared = ["".join(t.text or "" for t in si.iter("{%s}t" % ns["m"]))
                  for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
    rows = []
    for row in ET.fromstring(z.read(sheet)).iter("{%s}row" % ns["m"]):
        cells = {}
        for c in row.findall("m:c", ns):
            letters = "".join(ch for ch in c.get("r") if ch.isalpha())
            index = 0
            for ch in letters:
                index = index * 26 + ord(ch) - 64
            kind, v = c.get("t"), c.find("m:v", ns)
            if kind == "s":
                text = shared[int(v.text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter("{%s}t" % ns["m"]))
            else:
                text = v.text if v is not None else ""
            cells[index - 1] = text
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
    return rows


def published(run):
    """what readers see: the documents' codes by URL, the entries' codes and the whole exports"""
    ex = run("export", "--all", "--format", "jsonl").stdout
    en = run("entries", "--format", "jsonl").stdout
    docs = {x["url"]: x["code"] for x in map(json.loads, ex.splitlines()) if x["decision"] == "included"}
    return docs, {json.loads(l)["code"] for l in en.splitlines()}, ex + en


def dry_then_real(run, work, args, what):
    """reselect --dry-run --diff, then reselect: the dry run publishes nothing, and its list is
    exactly what the real one changes (documents by code and URL, entries by code)"""
    import csv
    docs0, ents0, all0 = published(run)
    dr = run("reselect", *args, "--dry-run", "--diff", work + "/diff.csv")
    docs1, ents1, all1 = published(run)
    check(dr.returncode == 0 and all1 == all0, "%s, --dry-run: exit %d, nothing published (exports as they were)" % (what, dr.returncode))
    with open(work + "/diff.csv", encoding="utf-8-sig", newline="") as f:
        listed = list(csv.DictReader(f))
    dry = {(c["change"], c["kind"], c["code"], c["url"] if c["kind"] == "document" else "") for c in listed}
    rs = run("reselect", *args)
    docs2, ents2, _ = published(run)
    real = {("leaves", "document", docs0[u], u) for u in set(docs0) - set(docs2)} | \
        {("enters", "document", docs2[u], u) for u in set(docs2) - set(docs0)} | \
        {("leaves", "entry", e, "") for e in ents0 - ents2} | {("enters", "entry", e, "") for e in ents2 - ents0}
    summary = [l for l in dr.stdout.splitlines() if l.startswith("changes:")]
    check(real and dry == real and len(listed) == len(real) and summary and summary[0] in rs.stdout and
          all(c["title"] and c["reason"] for c in listed),
          "%s: --dry-run lists %d changes (%s), each with code, title and reason; the reselect after it changes exactly "
          "those and prints the same summary" % (what, len(listed), (summary or ["?"])[0]))
    listed_lines = [l for l in dr.stdout.splitlines() if l.startswith(("enters ", "leaves "))]
    check(len(listed_lines) == len(listed), "%s: --dry-run prints the %d changes too" % (what, len(listed)))
    return rs


def main():
    zc, work = sys.argv[1], sys.argv[2]
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    mirror, corpus = work + "/mirror", work + "/corpus"
    subprocess.run([sys.executable, MIRROR_PY, "generate", "--out", mirror, "--seed", "2"], check=True)
    with Mirror(mirror) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus), capture_output=True, text=True)
    print(r.stdout + r.stderr)
    check(r.returncode == 0, "seed 2: crawl exits 0")

    def run(*args):
        return subprocess.run([zc, *args, "--corpus", corpus], capture_output=True, text=True)

    open(work + "/all.jsonl", "w").write(run("export", "--all", "--format", "jsonl").stdout)
    open(work + "/entries.jsonl", "w").write(run("entries", "--format", "jsonl").stdout)
    cmp = subprocess.run([sys.executable, os.path.join(HERE, "compare_truth.py"), mirror + "/truth.jsonl",
                          work + "/all.jsonl", "--entries", work + "/entries.jsonl", "--strict-decisions"],
                         capture_output=True, text=True)
    print("\n".join(l for l in cmp.stdout.splitlines() if not l.startswith("  ")))
    check(cmp.returncode == 0, "seed 2: corpus equals its truth.jsonl (decisions, reasons, canonical copies, entries)")

    truth = [json.loads(l) for l in open(mirror + "/truth.jsonl") if '"disallowed"' not in l]
    inc = [t for t in truth if t["decision"] == "included"]
    prof = json.load(open(ROOT + "/profiles/reference.json"))
    drop = {"支援", "帮扶"}
    narrow = dict(prof)
    narrow["topic"] = dict(prof["topic"])
    narrow["topic"]["keywords"] = [k for k in prof["topic"]["keywords"] if k not in drop]
    narrow["topic"]["generic"] = [k for k in prof["topic"]["generic"] if k not in drop]
    narrow["name"] = "reference minus 支援 and 帮扶"
    json.dump(narrow, open(work + "/narrow.json", "w"), ensure_ascii=False)
    generic = set(narrow["topic"]["generic"])

    def on_topic(t):
        kws = set(t["keywords"]) - drop
        return bool(kws - generic) or (bool(kws) and t["health_context"])

    stay = [t for t in inc if on_topic(t)]
    codes = {x["url"]: x["code"] for x in (json.loads(l) for l in open(work + "/all.jsonl")) if x["decision"] == "included"}
    rs = dry_then_real(run, work, ["--profile", work + "/narrow.json"], "the narrower profile")
    check(rs.returncode == 0, "reselect with a narrower profile: " + rs.stdout.strip().splitlines()[-1] if rs.stdout else rs.stderr)
    check("did not search for" not in rs.stderr, "the narrower profile's search keywords are the crawl's: no crawl asked for")
    more = dict(prof)
    more["search_keywords"] = prof["search_keywords"] + ["协作"]
    json.dump(more, open(work + "/more.json", "w"), ensure_ascii=False)
    for args in (["--dry-run"], []):
        r = run("reselect", "--profile", work + "/more.json", *args)
        check(r.returncode == 0 and "the last crawl did not search for 协作" in r.stderr and "run 'zhengce crawl" in r.stderr,
              "reselect%s with a new search keyword says a crawl is needed: %s" % ("".join(" " + a for a in args), r.stderr.strip()[:110]))
    run("reselect", "--profile", work + "/narrow.json")
    st = json.loads(run("stats", "--format", "json").stdout)
    check(st["documents"] == len(stay) < 609,
          "narrower profile: %d documents, as computed from truth.jsonl (%d drop out)" % (st["documents"], 609 - len(stay)))
    rows = [json.loads(l) for l in run("export", "--format", "jsonl").stdout.splitlines()]
    check({x["url"] for x in rows} == {t["url"] for t in stay}, "narrower profile: exactly those documents")
    check(all(codes[x["url"]] == x["code"] for x in rows), "narrower profile: file codes unchanged")
    kw = [k for k in narrow["topic"]["keywords"]]
    want_e = 0
    for t in stay:
        n = sum(1 for e in t["entries"] if any(k in e["text"] for k in kw))
        want_e += n if n else 1
    check(st["entries"] == want_e, "narrower profile: %d entries, as computed from truth.jsonl" % want_e)

    # a selection killed at any moment leaves the previous one published, whole
    import random
    import time
    rnd = random.Random(7)
    narrow_urls = {t["url"] for t in stay}
    mid, done, bad = 0, 0, []
    for i in range(12):
        p = subprocess.Popen([zc, "reselect", "--corpus", corpus], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.0, 0.25))
        p.kill()
        p.wait()
        st = json.loads(run("stats", "--format", "json").stdout)
        urls = {json.loads(l)["url"] for l in run("export", "--format", "jsonl").stdout.splitlines()}
        ok = run("check").returncode == 0
        if (st["documents"], st["entries"]) == (len(stay), want_e) and urls == narrow_urls and ok:
            mid += 1
        elif st["documents"] == 609 and len(urls) == 609 and ok:
            done += 1
            run("reselect", "--profile", work + "/narrow.json")
        else:
            bad.append((i, st["documents"], st["entries"], len(urls), ok))
    check(not bad and mid >= 3, "reselect killed 12 times: %d mid-way left the narrower selection whole, %d had "
          "finished (the new one whole), %d a mix or a failed check %s" % (mid, done, len(bad), bad[:3]))
    rs = dry_then_real(run, work, [], "the reference profile again")
    st = json.loads(run("stats", "--format", "json").stdout)
    rows = [json.loads(l) for l in run("export", "--format", "jsonl").stdout.splitlines()]
    check(st["documents"] == 609 and all(codes[x["url"]] == x["code"] for x in rows),
          "reference profile again: 609 documents with their original codes")

    # every export row and the report name the profile: its name, the SHA-256 of its compact JSON
    # (computed here from the file), the criteria in words, the zhengce version
    import hashlib
    sha = {}
    for name, path in (("reference", ROOT + "/profiles/reference.json"), ("narrow", work + "/narrow.json")):
        pj = json.load(open(path))
        sha[name] = (pj["name"], hashlib.sha256(json.dumps(pj, sort_keys=True, separators=(",", ":"),
                                                           ensure_ascii=False).encode()).hexdigest())
    version = subprocess.run([zc, "--version"], capture_output=True, text=True).stdout.split()[1]
    for name, args in (("narrow", ["--profile", work + "/narrow.json"]), ("reference", [])):
        run("reselect", *args)
        docs = [json.loads(l) for l in run("export", "--all", "--format", "jsonl").stdout.splitlines()]
        ents = [json.loads(l) for l in run("entries", "--format", "jsonl").stdout.splitlines()]
        rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout.lstrip("\ufeff"), newline="")))
        check(docs and ents and rows and all((r["profile"], r["profile_sha256"], r["zhengce"]) == sha[name] + (version,)
                                             for r in docs + ents + rows),
              "%s profile: every row of export (jsonl, csv) and entries names it and its SHA-256 %s…, zhengce %s" % (
                  name, sha[name][1][:12], version))
        run("report", "-o", work + "/report.html")
        html = open(work + "/report.html", encoding="utf-8").read()
        words = "dated 2009-01-01 to 2024-10-31" in html and "(支援、帮扶、联盟 only beside" not in html if name == "narrow" \
            else "资源下沉、纵向、流动、支援、帮扶、联盟 only beside 医、卫生、健康" in html
        check(sha[name][1] in html and words and "selected by zhengce " + version in html,
              "%s profile: the report gives its SHA-256, its criteria in words and the version" % name)

    # XLSX, read as a zip of XML (no zhengce code involved)
    x = run("export", "--format", "xlsx", "-o", work + "/corpus.xlsx")
    check(x.returncode == 0, "export --format xlsx")
    z = zipfile.ZipFile(work + "/corpus.xlsx")
    names = z.namelist()
    check("xl/worksheets/sheet1.xml" in names and "[Content_Types].xml" in names, "xlsx: a valid package: " + ", ".join(sorted(names)[:4]) + " ...")
    table = xlsx_rows(z)
    check(len(table) == 610, "xlsx: 610 rows (header + 609 documents)")
    head = table[0]
    csv_head = run("export", "--format", "csv").stdout.lstrip("\ufeff").splitlines()[0].split(",")
    check(head == csv_head, "xlsx: the CSV's columns (%s ...)" % ", ".join(head[:4]))
    col = {name: i for i, name in enumerate(head)}
    check("xl/worksheets/sheet2.xml" in names and any(sha["reference"][1] in r for r in xlsx_rows(z, "xl/worksheets/sheet2.xml")),
          "xlsx: a sheet \"profile\" with the profile's SHA-256 and criteria")
    titles = {r[col["title"]] for r in table[1:] if len(r) > col["title"]}
    check(titles == {t["title"] for t in inc}, "xlsx: every included document's title, in Chinese, as truth.jsonl has it")
    check(sum(1 for r in table[1:] if r[col["province"]] == "浙江") == sum(1 for t in inc if t["jurisdiction"] == "33"),
          "xlsx: provinces by name (浙江 as often as truth.jsonl has Zhejiang)")
    print("%d passed, %d failed" % (len(checks) - len(fails), len(fails)))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
