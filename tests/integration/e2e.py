#!/usr/bin/env python3
"""End to end: generate the mirror, serve it, crawl all 64 sites with zhengce, and check what a
researcher would check, against the generator's truth.jsonl and the mirror's request log:

  1. the corpus equals the truth: every included article reached, 609 included, every reason,
     every canonical copy, every field (compare_truth.py --strict-decisions);
  2. stats print the reference study's figures;
  3. export --format jsonl carries the documented keys; CSV has a BOM and opens as CSV;
  4. politeness from the server's side: robots.txt Disallow never fetched, Crawl-delay honoured,
     no two requests to one host closer than --delay;
  5. zhengce check passes; every document names its WARC record and the WARC reads back;
  6. a second crawl of the unchanged mirror fetches no article body again, adds nothing and
     selects nothing again (the first selection stands);
  7. a crawl while another runs exits 75.

usage: e2e.py ZHENGCE WORKDIR
"""
import collections
import csv
import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MIRROR_PY = os.path.join(ROOT, "tests", "mirror", "mirror.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "mirror"))
from harness import Mirror, fresh_work  # noqa: E402
DELAY = 0.05


def member_of_size(text, size):
    """text as one gzip member of exactly size bytes (padded with a gzip extra field), so that
    the members after it stay at the offsets the corpus holds for them"""
    for level in (9, 6, 1):
        z = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        m = z.compress(text) + z.flush()
        pad = size - len(m)
        if pad == 0:
            return m
        if pad >= 2:	# FEXTRA: the flag, then XLEN and XLEN bytes after the 10-byte header
            return m[:3] + bytes([m[3] | 4]) + m[4:10] + (pad - 2).to_bytes(2, "little") + bytes(pad - 2) + m[10:]
    sys.exit("e2e: cannot fit the changed record in %d bytes" % size)


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        sys.exit(1)


def sha1_b32(data):
    """a WARC digest as zhengce and other archivers write it: sha1: and the base32 of the SHA-1"""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work, quiet=False)
    srv = Mirror(mirror, log=log)
    try:
        base = srv.crawl_cmd(zc, corpus, delay=DELAY, max_crawl_delay="1")
        t0 = time.time()
        # zhengce check beside the crawl, again and again: a reader must see a consistent
        # corpus at every instant (every page it sees has its WARC record)
        with open(work + "/crawl1.out", "w") as o, open(work + "/crawl1.err", "w") as e:
            first = subprocess.Popen(base, stdout=o, stderr=e)
        checks, bad, seen = 0, [], set()
        while first.poll() is None:
            ck = subprocess.run([zc, "check", "--corpus", corpus], capture_output=True, text=True)
            if "no corpus" not in ck.stderr:
                checks += 1
                if ck.returncode != 0:
                    bad.append((ck.returncode, ck.stdout.strip().splitlines()[:2], ck.stderr.strip()[:300]))
            # and a researcher's query: the selection is published whole or not at all
            st = subprocess.run([zc, "stats", "--format", "json", "--corpus", corpus], capture_output=True, text=True)
            if st.returncode == 0:
                d = json.loads(st.stdout)
                seen.add((d["documents"], d["entries"]))
        r = subprocess.CompletedProcess(base, first.wait(), open(work + "/crawl1.out").read(), open(work + "/crawl1.err").read())
        print(r.stdout + r.stderr)
        check(r.returncode == 0, "crawl of the 64 sites exits 0 (%.0f s)" % (time.time() - t0))
        check(checks >= 3 and not bad, "zhengce check beside the crawl: %d runs, %d found problems %s" % (
            checks, len(bad), bad[:1]))
        inc = [t for t in map(json.loads, open(mirror + "/truth.jsonl")) if t.get("decision") == "included"]
        whole = (len(inc), sum(len(t["entries"]) for t in inc))
        check(seen and seen <= {(0, 0), whole}, "zhengce stats beside the crawl saw no selection or all of it (%s): %s" % (
            whole, sorted(seen)))
        first_run_lines = len(open(log).read().splitlines())

        def run(*args):
            return subprocess.run([zc, *args, "--corpus", corpus], capture_output=True, text=True)

        # 1. the corpus against the truth
        ck0 = run("check")
        exp = run("export", "--all", "--format", "jsonl")
        open(work + "/all.jsonl", "w").write(exp.stdout)
        ent = run("entries", "--format", "jsonl")
        open(work + "/entries.jsonl", "w").write(ent.stdout)
        cmp = subprocess.run([sys.executable, os.path.join(HERE, "compare_truth.py"), mirror + "/truth.jsonl",
                              work + "/all.jsonl", "--entries", work + "/entries.jsonl", "--strict-decisions"],
                             capture_output=True, text=True)
        print(cmp.stdout)
        check(cmp.returncode == 0, "corpus equals truth.jsonl: fields, decisions, canonical copies, entries")

        # 2. stats against figures computed here from the truth
        truth = [json.loads(l) for l in open(mirror + "/truth.jsonl") if '"disallowed"' not in l]
        inc = [t for t in truth if t["decision"] == "included"]
        st = json.loads(run("stats", "--format", "json").stdout)
        check(st["documents"] == len(inc) == 609, "stats: 609 documents")
        check(st["national"] == 46 and st["provincial"] == 563, "stats: 46 national, 563 provincial")
        check(st["entries"] == 1072 and st["national_entries"] == 62, "stats: 1072 entries, 62 national")
        want_ny = collections.Counter(str(t["year"]) for t in inc if t["jurisdiction"] == "00")
        check(st["national_by_year"] == dict(want_ny), "stats: national documents by year")
        want_p = collections.Counter(t["jurisdiction"] for t in inc if t["jurisdiction"] != "00")
        names = {"11": "北京", "13": "河北", "33": "浙江", "62": "甘肃", "65": "新疆", "31": "上海"}
        check(all(st["by_province"][n] == want_p[c] for c, n in names.items()), "stats: documents by province")
        check(st["entries_by_province"]["甘肃"] == 77 and st["province_by_year"]["甘肃"].get("2021") == 7,
              "stats: Gansu 77 entries, 7 documents in 2021")
        check(st["first_date"] == "2009-06-18" and st["last_date"] == "2024-10-31", "stats: dated 2009-06-18 to 2024-10-31")

        # 2b. queries through the indexes, against counts computed from the truth
        for kw in ("医共体", "专科联盟", "区域医疗中心"):
            q = run("query", "--keyword", kw, "--format", "jsonl")
            got = {json.loads(l)["url"] for l in q.stdout.splitlines()}
            want = {t["url"] for t in inc if kw in t["keywords"]}
            check(got == want, "query --keyword %s: %d documents, as truth.jsonl says" % (kw, len(want)))
        q = run("query", "--province", "Zhejiang", "--year", "2017", "--format", "jsonl")
        want = {t["url"] for t in inc if t["jurisdiction"] == "33" and t["year"] == 2017}
        check({json.loads(l)["url"] for l in q.stdout.splitlines()} == want and len(want) == 8,
              "query --province Zhejiang --year 2017: the 8 documents of the study")

        # 3. export formats
        rows = [json.loads(l) for l in run("export", "--format", "jsonl").stdout.splitlines()]
        keys = {"code", "jurisdiction", "province", "title", "docno", "issuers", "written_date", "published_date",
                "year", "type", "validity", "url", "sources"}
        check(len(rows) == 609 and all(keys <= set(r) for r in rows), "export jsonl: 609 rows with the documented keys")
        raw = subprocess.run([zc, "export", "--corpus", corpus, "--format", "csv"], capture_output=True).stdout
        check(raw.startswith(b"\xef\xbb\xbf"), "export csv starts with a UTF-8 BOM (Excel)")
        table = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
        check(len(table) == 610 and table[0][0] == "code", "export csv: a header and 609 rows, RFC 4180")
        # progress lines, asked for (as on a terminal): on stderr, redrawn in place, wiped at the end
        # (each begins with a carriage return, which text mode reads as a newline, then ESC [K)
        pe = run("export", "--progress", "-o", work + "/progress.csv")
        pc = run("check", "--progress")
        npages = sum(1 for _ in open(work + "/all.jsonl"))
        check(pe.returncode == 0 and "\x1b[Kexport: " in pe.stderr and pe.stderr.endswith("\x1b[K") and
              open(work + "/progress.csv", "rb").read() == raw,
              "export --progress: a progress line on stderr, wiped at the end; the same file")
        check(pc.returncode == 0 and "check: reading the WARC files" in pc.stderr and
              ("of %d pages" % npages) in pc.stderr and pc.stderr.endswith("\x1b[K") and pc.stdout == ck0.stdout,
              "check --progress: the WARC files, then the %d pages, on stderr; stdout as without" % npages)
        check(not run("export", "--quiet", "-o", work + "/progress.csv").stderr, "export --quiet: nothing on stderr")

        # 4. politeness, from the server's log
        reqs = [l.split("\t") for l in open(log).read().splitlines()[:first_run_lines]]
        disallowed = [(h, p) for _, h, _, p, *_ in reqs for d in ("/zhengce/private/", "/wjw/private/", "/internal/",
                                                                  "/admin/", "/drafts/") if p.startswith(d)]
        check(not disallowed, "robots.txt: no Disallowed path requested (%d)" % len(disallowed))
        by_host = collections.defaultdict(list)
        for t, h, m, p, *_ in reqs:
            by_host[h].append(float(t))
        gaps = {h: min(b - a for a, b in zip(ts, ts[1:])) for h, ts in by_host.items() if len(ts) > 1}
        worst = min(gaps.values())
        check(worst >= DELAY * 0.98, "per-host gap never under --delay %.2f s (smallest %.3f s)" % (DELAY, worst))
        check(gaps.get("wjw.xinjiang.gov.cn", 0) >= 0.98, "Crawl-delay: 1 of wjw.xinjiang.gov.cn honoured (%.2f s)"
              % gaps.get("wjw.xinjiang.gov.cn", 0))
        uas = {l.split("\t")[6] for l in open(log).read().splitlines()[:first_run_lines]}
        check(all("zhengce/" in u for u in uas), "every request names zhengce in its User-Agent")

        # 5. check, provenance, WARC
        ck = run("check")
        check(ck.returncode == 0, "zhengce check: " + ck.stdout.strip())
        allrows = [json.loads(l) for l in open(work + "/all.jsonl")]
        check(all(r.get("warc", {}).get("record_id", "").startswith("<urn:uuid:") for r in allrows),
              "every stored document names its WARC record")
        # and check finds what is wrong, in a copy of the corpus: one document's response record
        # loses its id; or it moves (its request and it trade places: every id is still there)
        victim = next(r for r in allrows if r["decision"] == "included")
        line = b"WARC-Record-ID: " + victim["warc"]["record_id"].encode()
        other = b"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>"
        broken = work + "/corpus-broken"
        for how in ("loses its id", "moves"):
            shutil.rmtree(broken, ignore_errors=True)
            shutil.copytree(corpus, broken, ignore=shutil.ignore_patterns("crawl.lock", "lock.mdb"))
            wpath = os.path.join(broken, "warc", victim["warc"]["file"])
            raw, out, found = open(wpath, "rb").read(), [], 0
            while raw:	# member by member (a record each), so that the other records stay where they were
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                text = d.decompress(raw)
                member, raw = raw[:len(raw) - len(d.unused_data)], d.unused_data
                if line in text:
                    found += 1
                    if how == "moves":
                        out.insert(len(out) - 1, member)
                        continue
                    member = member_of_size(text.replace(line, other), len(member))
                out.append(member)
            check(found == 1, "the victim's response record is in %s" % victim["warc"]["file"])
            open(wpath, "wb").write(b"".join(out))
            ckb = subprocess.run([zc, "check", "--corpus", broken], capture_output=True, text=True)
            check(ckb.returncode == 1 and victim["url"] in ckb.stdout and "is missing" in ckb.stdout and
                  "; 1 problem\n" in ckb.stdout, "check on a copy where one document's WARC record %s names that "
                  "document: %s" % (how, ckb.stdout.strip().splitlines()[0][:100]))
        # a crawl writing a WARC file beside check: a file of its own with the marker a crawl makes
        # (NAME.open), holding a prefix of the crawl's first file that grows member by member and
        # byte by byte inside members.  check reads the whole records, notes the part and passes;
        # the same cut in a closed file (no marker) is a problem, and so is a changed byte with
        # members after it (damage, not a cut)
        shutil.rmtree(broken, ignore_errors=True)
        shutil.copytree(corpus, broken, ignore=shutil.ignore_patterns("crawl.lock", "lock.mdb"))
        src = open(os.path.join(corpus, "warc", sorted(os.listdir(corpus + "/warc"))[0]), "rb").read()
        bounds, rest = [0], src
        while rest:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            d.decompress(rest)
            rest = d.unused_data
            bounds.append(len(src) - len(rest))
        growing = os.path.join(broken, "warc", "zhengce-20990101000000-1-00000.warc.gz")
        open(growing + ".open", "w").close()
        cuts = sorted({min(b + d, bounds[k + 2]) for k, b in enumerate(bounds[1:7])
                       for d in (0, 1, 9, 10, 11, 40, (bounds[k + 2] - b) // 2, bounds[k + 2] - b - 8, bounds[k + 2] - b - 1)})
        wrong = []
        for c in cuts:
            open(growing, "wb").write(src[:c])
            ckw = subprocess.run([zc, "check", "--corpus", broken], capture_output=True, text=True)
            noted = "ends in part of a record (%d bytes)" % (c - max(b for b in bounds if b <= c)) in ckw.stdout
            if ckw.returncode != 0 or noted != (c not in bounds):
                wrong.append((c, ckw.returncode, ckw.stdout.strip()[-200:]))
        check(len(cuts) >= 40 and not wrong, "check beside a crawl writing a WARC file, cut at %d places in and between "
              "its first members: every run passes, and notes the part of a member exactly when there is one %s"
              % (len(cuts), wrong[:1]))
        open(growing, "wb").write(src[:bounds[3] + 100])
        os.unlink(growing + ".open")
        ckc = subprocess.run([zc, "check", "--corpus", broken], capture_output=True, text=True)
        check(ckc.returncode == 1 and growing in ckc.stdout and "cut short" in ckc.stdout and "; 1 problem\n" in ckc.stdout,
              "the same cut in a closed file (no marker) is a problem: " + ckc.stdout.strip().splitlines()[0][:160])
        open(growing + ".open", "w").close()
        mid = (bounds[2] + bounds[3]) // 2
        open(growing, "wb").write(src[:mid] + bytes([src[mid] ^ 0x5a]) + src[mid + 1:bounds[5]])
        ckd = subprocess.run([zc, "check", "--corpus", broken], capture_output=True, text=True)
        check(ckd.returncode == 1 and growing in ckd.stdout and "malformed" in ckd.stdout,
              "a changed byte with members after it is damage, marker or not: " + ckd.stdout.strip().splitlines()[0][:160])
        shutil.rmtree(broken)
        ids, records, bad_digests = set(), 0, []
        for f in sorted(os.listdir(corpus + "/warc")):
            data = gzip.open(os.path.join(corpus, "warc", f)).read()
            pos = 0
            while pos < len(data):
                head_end = data.index(b"\r\n\r\n", pos)
                head = data[pos:head_end].decode()
                check(head.startswith("WARC/1.1"), "WARC record header") if records == 0 else None
                hdr = dict(l.split(": ", 1) for l in head.split("\r\n")[1:])
                n = int(hdr["Content-Length"])
                ids.add(hdr["WARC-Record-ID"])
                block = data[head_end + 4:head_end + 4 + n]
                if sha1_b32(block) != hdr.get("WARC-Block-Digest"):
                    bad_digests.append(hdr["WARC-Record-ID"])
                if hdr["WARC-Type"] == "response" and \
                        sha1_b32(block[block.index(b"\r\n\r\n") + 4:]) != hdr.get("WARC-Payload-Digest"):
                    bad_digests.append(hdr["WARC-Record-ID"])
                pos = head_end + 4 + n + 4
                records += 1
        check(all(r["warc"]["record_id"] in ids for r in allrows),
              "the WARC files read back (%d records) and hold every document's record" % records)
        check(not bad_digests, "every WARC record's block digest, and every response's payload digest, is the SHA-1 "
              "of what it holds (%d wrong)" % len(bad_digests))

        # 5a. the same WARC files through warcio.js, an independent reader from the npm registry
        npm = work + "/npm"
        os.makedirs(npm, exist_ok=True)
        inst = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", npm, "warcio@2"],
                              capture_output=True, text=True, timeout=300)
        check(inst.returncode == 0, "npm install warcio (the independent WARC reader)")
        shutil.copy(os.path.join(HERE, "warcio_read.mjs"), npm + "/warcio_read.mjs")
        files = [os.path.join(corpus, "warc", f) for f in sorted(os.listdir(corpus + "/warc"))]
        rd = subprocess.run(["node", npm + "/warcio_read.mjs", *files], capture_output=True, text=True, timeout=300)
        wids, wtypes = set(), collections.Counter()
        for l in rd.stdout.splitlines():
            j = json.loads(l)
            wids.update(j["ids"])
            wtypes.update(j["types"])
        check(rd.returncode == 0 and all(r["warc"]["record_id"] in wids for r in allrows),
              "warcio.js reads every file (%s) and finds every document's record" % dict(wtypes))

        # 5b. the report: self-contained, three charts, rendered by headless Chromium
        rep = subprocess.run([zc, "report", "--corpus", corpus, "-o", work + "/report.html"], capture_output=True, text=True)
        html = open(work + "/report.html", encoding="utf-8").read()
        check(rep.returncode == 0 and html.count("<svg") == 4, "report: one HTML file with four SVG figures")
        check("<script" not in html and "src=" not in html and "http://" not in html.replace("http://www.w3.org", "")
              and "https://" not in html, "report: no script, no external resource")
        check("609 documents (national 46, provincial 563)" in html and ">88<" in html, "report: the study's totals and the 2017 peak")
        fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
        check(any(f in fonts for f in ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC")) and
              "WenQuanYi Micro Hei" in html, "report: its font stack names a CJK font this machine has (no boxes)")
        png = work + "/report.png"
        shot = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                               "--disable-background-networking", "--disable-component-update", "--disable-sync",
                               "--user-data-dir=" + work + "/chromium", "--window-size=1200,2400",
                               "--screenshot=" + png, "file://" + work + "/report.html"], capture_output=True, text=True,
                              timeout=120)
        size = os.path.getsize(png) if os.path.exists(png) else 0
        check(shot.returncode == 0 and size > 60000, "report: Chromium renders it to a PNG (%d bytes; a blank page is ~10 KB)" % size)

        # 6. an unchanged re-crawl fetches no article body
        r2 = subprocess.run(base, capture_output=True, text=True)
        print(r2.stdout + r2.stderr)
        check(r2.returncode == 0 and "added 0, changed 0" in r2.stdout, "second crawl: added 0, changed 0")
        second = [l.split("\t") for l in open(log).read().splitlines()[first_run_lines:]]
        articles = {t["url"].split("://", 1)[1] for t in truth}
        refetched = [h + p for _, h, m, p, code, *_ in second if code == "200" and (h + p) in articles]
        check(not refetched, "second crawl: no article body fetched again (%d 304s)" %
              sum(1 for s in second if s[4] == "304"))
        check(not [s for s in second if s[3] == "/robots.txt"], "second crawl: robots.txt taken from the day's cache")
        st2 = json.loads(run("stats", "--format", "json").stdout)
        check(st2["documents"] == 609, "second crawl: still 609 documents, codes kept")
        # no page changed: the published selection stands, and it counts what the truth does
        sel = [l for l in r2.stdout.splitlines() if l.startswith("selected:")]
        check(sel and "the last selection stands" in sel[0] and
              ("selected: %d included" % whole[0]) in sel[0] and (" %d entries" % whole[1]) in sel[0],
              "second crawl: the first crawl's selection stands, nothing decided again: " + (sel or [""])[0][:90])

        # a cookies file that is not there is a usage error, before anything is asked
        nocookies = subprocess.run(base[:-1] + ["--cookies", work + "/no-such-cookies.txt"], capture_output=True, text=True)
        check(nocookies.returncode == 2 and "cannot read --cookies" in nocookies.stderr,
              "a missing --cookies file exits 2: " + (nocookies.stderr.strip().splitlines() or [""])[0])

        # 7. the crawl lock
        slow = subprocess.Popen(base[:-1] + ["--delay", "0.3"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        third = subprocess.run(base, capture_output=True, text=True)
        check(third.returncode == 75 and "another crawl" in third.stderr,
              "a crawl while another runs exits 75: " + third.stderr.strip())
        # cron firing again and again while the crawl runs (the minutes shortened to 0.3 s)
        codes = []
        for _ in range(10):
            codes.append(subprocess.run(base, capture_output=True, text=True).returncode)
            time.sleep(0.3)
        check(codes == [75] * 10, "ten more crawls started while it runs: all exit 75 (%s)" % codes)
        slow.terminate()
        slow.wait()
        ck = run("check")
        check(ck.returncode == 0, "corpus intact after the interrupted crawl: " + ck.stdout.strip())
        r = subprocess.run(base, capture_output=True, text=True)
        check(r.returncode == 0, "the interrupted crawl resumes and completes")

        # 8. the sites publish three new documents: exactly those are added
        srv.stop()
        subprocess.run([sys.executable, MIRROR_PY, "generate", "--out", mirror, "--add", "3"], check=True)
        srv = Mirror(mirror, log=log, port=srv.http, tls_port=srv.tls)
        r = subprocess.run(base + ["--progress"], capture_output=True, text=True)
        print(r.stdout + r.stderr)
        new = {json.loads(l)["url"] for l in open(mirror + "/truth.jsonl") if '"new": true' in l}
        check("indexing the new pages' text: " in r.stderr and "selection, step 1 of 4 (deciding each page): " in r.stderr
              and "selection, step 4 of 4" in r.stderr and r.stderr.endswith("\x1b[K"),
              "crawl --progress: the pair merge and the four steps of selection shown, the line wiped at the end")
        check(r.returncode == 0 and "added 3, changed 0" in r.stdout, "after the sites add 3 documents: added 3, changed 0")
        check("the last selection stands" not in r.stdout, "new pages: selected again")
        rows = [json.loads(l) for l in run("export", "--format", "jsonl").stdout.splitlines()]
        got_new = {x["url"] for x in rows} - {x["url"] for x in allrows if x["decision"] == "included"}
        check(got_new == new, "exactly the new documents joined the corpus")
        codes_before = {x["url"]: x["code"] for x in allrows if x["decision"] == "included"}
        check(all(codes_before[x["url"]] == x["code"] for x in rows if x["url"] in codes_before),
              "no file code of an earlier document changed")
        want_codes = {json.loads(l)["url"]: json.loads(l)["file_code"] for l in open(mirror + "/truth.jsonl") if '"new": true' in l}
        check(all(x["code"] == want_codes[x["url"]] for x in rows if x["url"] in new), "new documents got the next codes")
    finally:
        srv.stop()
    print("e2e: all checks passed")


if __name__ == "__main__":
    main()
