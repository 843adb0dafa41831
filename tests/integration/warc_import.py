#!/usr/bin/env python3
"""WARC in: corpora from other crawlers' archives, a challenged site captured elsewhere, and a
crawl sharded by site, all against the generator's truth.jsonl (never against zhengce itself).

  wget     Debian's wget --warc-file fetches every article URL of the mirror (and the seeds'
           first list pages) through the mirror as its proxy, half gzipped per record and half
           uncompressed; zhengce import gives the corpus of the truth (every field, decision,
           canonical copy, file code and entry); list pages are answers, not documents; check
           finds every document's record in wget's files; a second import adds nothing; imports
           killed with SIGKILL at several moments and run again give the same corpus; an import
           while the lock is held exits 75; a damaged file is named with its offset.
  warcio   a crawl without the challenge's cookies fails www.nhc.gov.cn and stats says so; the
           nhc article pages, a list page and a challenge page written by warcio.js (npm) as WARC/1.0
           gzipped per record and as WARC/1.1 gzipped whole, with revisits of some pages and one of
           a second address (resolved to the original's payload), are imported: the corpus is
           then the truth's for all 64 sites, and stats no longer reports nhc.
  shards   the 64 sites split in two (alternate sites, so jurisdictions are split too), crawled
           into two corpora from the same mirror, then zhengce merge: documents, decisions, file
           codes and entries identical to one crawl of all 64, and the truth's; merging again
           adds nothing.

usage: warc_import.py ZHENGCE WORKDIR wget|warcio|shards
"""
import base64
import fcntl
import gzip
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

SEEDS = os.path.join(ROOT, "seeds", "sites.json")
PROFILE = os.path.join(ROOT, "profiles", "reference.json")
NHC = "www.nhc.gov.cn"


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        sys.exit(1)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def truth_of(mirror):
    return [json.loads(l) for l in open(mirror + "/truth.jsonl", encoding="utf-8") if l.strip()]


def seeds():
    d = json.load(open(SEEDS, encoding="utf-8"))
    return d["sites"] if isinstance(d, dict) else d


def list_pages(hosts=None):
    """the first page of every seed list endpoint fetched by GET with a fixed URL"""
    urls = []
    for s in seeds():
        if hosts and s["host"] not in hosts:
            continue
        for e in s.get("lists", []):
            if e.get("method", "GET") == "GET" and "{" not in e["url"]:
                urls.append(e["url"])
    return urls


def export(zc, corpus, work, name):
    """the corpus as the truth's comparison reads it, and its entries"""
    out, ent = "%s/%s.jsonl" % (work, name), "%s/%s-entries.jsonl" % (work, name)
    a = run([zc, "export", "--corpus", corpus, "--all", "--format", "jsonl", "-o", out])
    b = run([zc, "entries", "--corpus", corpus, "--format", "jsonl", "-o", ent])
    check(a.returncode == 0 and b.returncode == 0, "export and entries of %s" % name)
    return out, ent


def matches_truth(mirror, out, ent, what):
    r = run([sys.executable, os.path.join(HERE, "compare_truth.py"), mirror + "/truth.jsonl", out, "--entries", ent,
             "--strict-decisions"])
    print(r.stdout[-1500:])
    check(r.returncode == 0, what)


def rows(path):
    """url -> what a study reads of a document: its fields, decision, reason, copy and code"""
    keep = ("code", "file_no", "jurisdiction", "title", "docno", "issuers", "written_date", "published_date", "year",
            "type", "validity", "entries", "sources", "decision", "reason", "evidence", "canonical_url")
    out = {}
    for l in open(path, encoding="utf-8"):
        r = json.loads(l)
        out[r["url"]] = {k: r.get(k) for k in keep}
    return out


def entries(path):
    keep = ("code", "doc_code", "file_no", "section", "item", "text", "url")
    return sorted(json.dumps({k: e.get(k) for k in keep}, ensure_ascii=False, sort_keys=True)
                  for e in map(json.loads, open(path, encoding="utf-8")))


def import_cmd(zc, corpus, *files, extra=()):
    return [zc, "import", "--corpus", corpus, "--seeds", SEEDS, "--profile", PROFILE, "--quiet", *extra, *files]


def counts(stdout):
    """the numbers import and merge print: added N, changed N, unchanged N; N search answers and
    list pages, N challenges, N revisits without their original"""
    got = {}
    for key, pat in (("added", r"\badded (\d+)"), ("changed", r"\bchanged (\d+)"), ("unchanged", r"\bunchanged (\d+)"),
                     ("search", r"(\d+) search answers"), ("challenges", r"(\d+) challenges"),
                     ("revisits", r"(\d+) revisits without")):
        m = re.search(pat, stdout)
        if m:
            got[key] = int(m.group(1))
    return got


def warc_places(data, gz):
    """(start, end, target URI) of each response record of a WARC file written a gzip member per
    record (start and end: its member's) or uncompressed, read here independently of zhengce"""
    out, pos = [], 0
    while pos < len(data):
        if gz:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            text = d.decompress(data[pos:])
            end = len(data) - len(d.unused_data)
        else:
            head_end = data.index(b"\r\n\r\n", pos) + 4
            n = int(re.search(rb"(?i)\r\nContent-Length: *(\d+)", data[pos:head_end]).group(1))
            text, end = data[pos:head_end], head_end + n
            while data[end:end + 1] in (b"\r", b"\n"):
                end += 1
        head = text[:text.index(b"\r\n\r\n")].decode("utf-8", "replace")
        uri = re.search(r"(?i)\r\nWARC-Target-URI: *<?([^>\r\n]*)", head)
        if re.search(r"(?i)\r\nWARC-Type: *response", head) and uri:
            out.append((pos, end, uri.group(1)))
        pos = end
    return out


# ---- wget -----------------------------------------------------------------------------------

def wget(srv, mirror, urls, warc, compress=True):
    # nhc's first answer is its challenge, whose cookie wget keeps for the rest (as a browser
    # would): a page of its own first, so that the challenge falls on no article
    with open(warc + ".urls", "w") as f:
        f.write("".join(u + "\n" for u in ["https://%s/" % NHC] + urls))
    proxy = "http://127.0.0.1:%d" % srv.http
    cmd = ["wget", "--quiet", "--warc-file=" + warc, "--no-warc-keep-log", "-e", "use_proxy=on", "-e",
           "http_proxy=" + proxy, "-e", "https_proxy=" + proxy, "--ca-certificate=" + mirror + "/tls/ca.pem",
           "--load-cookies", mirror + "/cookies.txt", "-O", "/dev/null", "-i", warc + ".urls"]
    if not compress:
        cmd.insert(1, "--no-warc-compression")
    r = run(cmd, timeout=600)
    path = warc + (".warc.gz" if compress else ".warc")
    check(os.path.exists(path), "wget wrote %s (exit %d)" % (os.path.basename(path), r.returncode))
    return path


def test_wget(zc, work):
    mirror, corpus, log = fresh_work(work)
    truth = [t for t in truth_of(mirror) if not t.get("disallowed")]
    urls = [t["url"] for t in truth]
    lists = list_pages()
    with Mirror(mirror, log=log) as srv:
        half = len(urls) // 2
        a = wget(srv, mirror, lists[:len(lists) // 2] + urls[:half], work + "/wget-a")
        b = wget(srv, mirror, lists[len(lists) // 2:] + urls[half:], work + "/wget-b", compress=False)
    with open(b, "rb") as f:
        check(f.read(5) == b"WARC/", "the second file is uncompressed WARC, the first gzip")

    r = run(import_cmd(zc, corpus, a, b))
    print(r.stdout + r.stderr)
    n = counts(r.stdout)
    check(r.returncode == 0, "zhengce import of wget's two files exits 0")
    check(n.get("added") == len(urls), "every article page of the truth is added (%d of %d)" % (n.get("added", 0), len(urls)))
    check(n.get("search") == len(lists), "the %d list pages are recorded as answers, not documents (%s)"
          % (len(lists), n.get("search")))
    check(n.get("challenges") == 2, "the two challenge pages are no documents (%s)" % n.get("challenges"))
    out, ent = export(zc, corpus, work, "wget")
    stored = rows(out)
    check(not any(u in stored for u in lists), "no list page is stored as a document")
    matches_truth(mirror, out, ent, "the imported corpus is the truth: fields, decisions, canonical copies, codes, entries")
    ck = run([zc, "check", "--corpus", corpus])
    check(ck.returncode == 0, "check finds every document's record in wget's files: " + ck.stdout.strip().splitlines()[-1])
    j = json.loads(open(out, encoding="utf-8").readline())
    check(j["warc"]["file"] in (os.path.realpath(a), os.path.realpath(b)) and j["warc"]["record_id"].startswith("<urn:uuid:"),
          "a document's provenance names the imported file and its record (%s)" % json.dumps(j["warc"]))

    again = run(import_cmd(zc, corpus, a, b))
    m = counts(again.stdout)
    check(again.returncode == 0 and m.get("added") == 0 and m.get("changed") == 0 and m.get("unchanged") == len(urls),
          "importing the same files again adds nothing (%s)" % again.stdout.splitlines()[0])
    out2, ent2 = export(zc, corpus, work, "wget-again")
    check(rows(out2) == stored and entries(ent2) == entries(ent), "... and the corpus is as it was")

    # the crawl's lock: an import while it is held exits 75
    with open(corpus + "/crawl.lock", "a") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX | fcntl.LOCK_NB)
        locked = run(import_cmd(zc, corpus, a))
        fcntl.flock(lk, fcntl.LOCK_UN)
    check(locked.returncode == 75, "an import while another holds the crawl lock exits 75 (%d)" % locked.returncode)

    # killed with SIGKILL at several moments, then run again: the same corpus
    killed = work + "/killed"
    kills = 0
    for delay in (0.05, 0.3, 0.6, 1.0):
        p = subprocess.Popen(import_cmd(zc, killed, a, b), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
    fin = run(import_cmd(zc, killed, a, b))
    out3, ent3 = export(zc, killed, work, "killed")
    check(kills >= 2 and fin.returncode == 0 and rows(out3) == stored and entries(ent3) == entries(ent),
          "imports killed %d times with SIGKILL and run again give the same corpus" % kills)

    # damage: the file and the offset named, the records before it taken
    damaged = work + "/damaged.warc"
    data = open(b, "rb").read()
    cut = data.index(b"WARC/1.0", len(data) // 2)
    with open(damaged, "wb") as f:
        f.write(data[:cut] + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9x\r\n\r\n")
    bad = run(import_cmd(zc, work + "/damaged", damaged))
    check(bad.returncode == 1 and ("%s: at offset %d: Content-Length \"9x\" is not a number" % (os.path.realpath(damaged), cut))
          in bad.stderr, "a damaged file: exit 1, its path, offset and fault named: " + bad.stderr.strip().splitlines()[0])
    check(counts(bad.stdout).get("added", 0) > 0, "... and the records before the fault are taken")

    # a cut tail (a writer killed, or at work): each of wget's files cut inside the member (gzip)
    # or the block (uncompressed) of its last article's response; the import takes the records
    # before it, names the file and the cut's offset and exits 0, and gives the corpus of the same
    # file cut where that record begins (its whole records only)
    for src, form in ((a, "gzip per record"), (b, "uncompressed")):
        data = open(src, "rb").read()
        places = warc_places(data, src.endswith(".gz"))
        start, end, uri = [p for p in places if p[2] in set(urls)][-1]
        cut_at = start + (end - start) // 2
        cut, whole = work + "/cut-" + os.path.basename(src), work + "/whole-" + os.path.basename(src)
        open(cut, "wb").write(data[:cut_at])
        open(whole, "wb").write(data[:start])
        rc_ = run(import_cmd(zc, work + "/cut-" + form[:4], cut))
        rw = run(import_cmd(zc, work + "/whole-" + form[:4], whole))
        said = "%s: at offset %d: the file ends inside " % (os.path.realpath(cut), start)
        check(rc_.returncode == 0 and said in rc_.stderr and "a cut tail" in rc_.stderr,
              "%s, cut inside its last article's record: exit 0, the file and the offset of the record cut named (%s)"
              % (form, "".join(l for l in rc_.stderr.splitlines() if "cut tail" in l)[:200]))
        got, want = counts(rc_.stdout), counts(rw.stdout)
        oc, _ = export(zc, work + "/cut-" + form[:4], work, "cut-" + form[:4])
        ow, _ = export(zc, work + "/whole-" + form[:4], work, "whole-" + form[:4])
        check(rw.returncode == 0 and got.get("added", 0) > 0 and got == want and rows(oc) == rows(ow) and uri not in rows(oc),
              "... its %d documents before the cut imported, as from the file of its whole records only" % got.get("added", 0))
    nofile = run(import_cmd(zc, corpus, work + "/no-such.warc"))
    check(nofile.returncode == 2 and "no-such.warc" in nofile.stderr, "a file that is not there: exit 2, named")


# ---- warcio -------------------------------------------------------------------------------

def cookie_header(mirror):
    pairs = []
    for line in open(mirror + "/cookies.txt"):
        f = line.rstrip("\n").split("\t")
        if len(f) == 7 and f[0].lstrip("#HttpOnly_").endswith(NHC):
            pairs.append("%s=%s" % (f[5], f[6]))
    return "; ".join(pairs)


def fetch(srv, mirror, url, cookies):
    """one GET through the mirror as a proxy (CONNECT for https), as a browser would make it"""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    if scheme == "https":
        ctx = ssl.create_default_context(cafile=mirror + "/tls/ca.pem")
        c = http.client.HTTPSConnection("127.0.0.1", srv.http, context=ctx, timeout=30)
        c.set_tunnel(host, 443)
        target = "/" + path
    else:
        c = http.client.HTTPConnection("127.0.0.1", srv.http, timeout=30)
        target = url
    hdrs = {"Host": host, "User-Agent": "Mozilla/5.0 (archiving browser)"}
    if cookies:
        hdrs["Cookie"] = cookies
    c.request("GET", target, headers=hdrs)
    r = c.getresponse()
    body = r.read()
    headers = {k: v for k, v in r.getheaders() if k.lower() not in ("transfer-encoding", "content-length", "connection")}
    c.close()
    return r.status, r.reason, headers, body


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_warcio(zc, work):
    mirror, corpus, log = fresh_work(work)
    truth = [t for t in truth_of(mirror) if not t.get("disallowed")]
    nhc = [t["url"] for t in truth if t["site"] == NHC]
    check(len(nhc) > 20, "the truth has %d article pages of %s" % (len(nhc), NHC))
    npm = work + "/npm"
    os.makedirs(npm, exist_ok=True)
    inst = run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", npm, "warcio@2"], timeout=300)
    check(inst.returncode == 0, "npm install warcio (the independent WARC writer)")
    shutil.copy(os.path.join(HERE, "warcio_write.mjs"), npm + "/warcio_write.mjs")
    with Mirror(mirror, log=log) as srv:
        crawl = srv.crawl_cmd(zc, corpus)
        i = crawl.index("--cookies")
        del crawl[i:i + 2]	# a crawler that cannot pass the challenge
        cr = run(crawl, timeout=900)
        check(cr.returncode == 1 and NHC in cr.stderr and "challenge" in cr.stderr,
              "a crawl without the browser's cookies finds %s challenged (exit %d)" % (NHC, cr.returncode))
        st = run([zc, "stats", "--corpus", corpus])
        check(st.returncode == 0 and NHC in st.stderr and "did not complete" in st.stderr,
              "stats reports the crawl's failure for %s: %s" % (NHC, st.stderr.strip().replace("\n", " | ")))
        before, _ = export(zc, corpus, work, "crawl")
        check(not any(u in rows(before) for u in nhc), "no page of %s is in the corpus yet" % NHC)

        # a browser-based archiver's capture: the pages as a browser that passed the challenge got them
        cookies = cookie_header(mirror)
        got = {u: fetch(srv, mirror, u, cookies) for u in nhc + list_pages({NHC})}
        challenge = fetch(srv, mirror, nhc[0], "")
    check(all(g[0] == 200 for g in got.values()) and challenge[0] in (412, 521),
          "the mirror gives the pages with the cookies and a challenge (%d) without" % challenge[0])
    date = "2026-12-01T08:00:00Z"
    recs = [{"type": "response", "url": u, "date": date, "statusline": "HTTP/1.1 %d %s" % (s, reason), "headers": h,
             "body_b64": base64.b64encode(body).decode()} for u, (s, reason, h, body) in got.items()]
    s, reason, h, body = challenge
    recs.append({"type": "response", "url": nhc[0], "date": "2026-11-30T08:00:00Z", "statusline": "HTTP/1.1 %d %s" % (s, reason),
                 "headers": h, "body_b64": base64.b64encode(body).decode()})
    half = len(recs) // 2
    # revisits of pages of the first file, a day later, as a deduplicating crawler writes them
    revisits = [{"type": "revisit", "url": r["url"], "date": "2026-12-02T08:00:00Z", "refersToUrl": r["url"],
                 "refersToDate": date, "statusline": r["statusline"], "headers": r["headers"],
                 "payload_digest": sha1_b32(base64.b64decode(r["body_b64"]))} for r in recs[:5]]
    # and a revisit of another URL with the same payload (a page served under two addresses, as a
    # deduplicating crawler records the second): its document is the original's bytes under its own URL
    twin = recs[1]["url"] + "?from=revisit"
    revisits.append({"type": "revisit", "url": twin, "date": "2026-12-02T09:00:00Z", "refersToUrl": recs[1]["url"],
                     "refersToDate": date, "statusline": recs[1]["statusline"], "headers": recs[1]["headers"],
                     "payload_digest": sha1_b32(base64.b64decode(recs[1]["body_b64"]))})
    files = []
    for name, version, gz, part in (("warcio-a.warc.gz", "WARC/1.0", True, recs[:half]),
                                    ("warcio-b.warc", "WARC/1.1", False, recs[half:] + revisits)):
        spec = work + "/" + name + ".json"
        json.dump({"version": version, "gzip": gz, "records": part}, open(spec, "w"))
        w = run(["node", npm + "/warcio_write.mjs", spec, work + "/" + name], timeout=300)
        check(w.returncode == 0, "warcio.js writes %s (%s, %s)" % (name, version, "gzip per record" if gz else "whole") + w.stderr)
        files.append(work + "/" + name)
    with open(files[1], "rb") as f, gzip.open(files[1] + ".gz", "wb") as g:
        shutil.copyfileobj(f, g)	# the whole file one gzip stream
    files[1] += ".gz"

    r = run(import_cmd(zc, corpus, *files))
    print(r.stdout + r.stderr)
    n = counts(r.stdout)
    check(r.returncode == 0 and n.get("added") == len(nhc) + 1, "the %d pages of %s and the revisited address join "
          "the corpus (%s)" % (len(nhc), NHC, r.stdout.splitlines()[0] if r.stdout else r.stderr))
    check(n.get("search") == len(list_pages({NHC})) and n.get("challenges") == 1 and n.get("revisits") == 0,
          "its list page is an answer, the challenge page no document, every revisit resolved")
    st = run([zc, "stats", "--corpus", corpus])
    check(st.returncode == 0 and NHC not in st.stderr, "stats no longer reports %s" % NHC)
    out, ent = export(zc, corpus, work, "imported")
    stored = rows(out)
    t = stored.get(twin) or {}
    check(t.get("title") == stored[recs[1]["url"]]["title"] and t.get("reason") == "duplicate"
          and t.get("canonical_url") in (recs[1]["url"], stored[recs[1]["url"]]["canonical_url"]),
          "the revisit of another address is resolved to the original's payload: a copy of its document (%s)"
          % t.get("reason"))
    matches_truth(mirror, out, ent, "crawl and import together are the truth of all 64 sites")
    ck = run([zc, "check", "--corpus", corpus])
    check(ck.returncode == 0, "check finds every record, the crawl's and warcio's: " + ck.stdout.strip().splitlines()[-1])


# ---- shards ---------------------------------------------------------------------------------

def test_shards(zc, work):
    mirror, corpus, log = fresh_work(work)
    hosts = [s["host"] for s in seeds()]
    shard = [",".join(hosts[0::2]), ",".join(hosts[1::2])]
    with Mirror(mirror, log=log) as srv:
        whole = run(srv.crawl_cmd(zc, corpus), timeout=900)
        check(whole.returncode == 0, "one crawl of all 64 sites")
        for i, sites in enumerate(shard):
            r = run(srv.crawl_cmd(zc, "%s/shard%d" % (work, i), extra=("--site", sites)), timeout=900)
            check(r.returncode == 0, "shard %d: a crawl of %d sites" % (i, len(sites.split(","))))
    merged = work + "/merged"
    m = run([zc, "merge", "--corpus", merged, "--profile", PROFILE, "--quiet", work + "/shard0", work + "/shard1"])
    print(m.stdout + m.stderr)
    check(m.returncode == 0, "zhengce merge of the two shards exits 0")
    out_w, ent_w = export(zc, corpus, work, "whole")
    out_m, ent_m = export(zc, merged, work, "merged")
    w, g = rows(out_w), rows(out_m)
    diff = [u for u in set(w) | set(g) if w.get(u) != g.get(u)]
    for u in diff[:5]:
        print("  differs %s\n    whole  %s\n    merged %s" % (u, w.get(u), g.get(u)))
    check(not diff and len(w) > 1000, "the merged corpus has the documents, decisions and file codes of one crawl "
          "(%d pages, %d differ)" % (len(w), len(diff)))
    check(entries(ent_w) == entries(ent_m), "... and its entries (%d)" % len(entries(ent_w)))
    matches_truth(mirror, out_m, ent_m, "the merged corpus is the truth")
    ck = run([zc, "check", "--corpus", merged])
    check(ck.returncode == 0 and os.listdir(merged + "/warc"), "check: every page's record is in the WARC files "
          "brought in: " + ck.stdout.strip().splitlines()[-1])
    again = run([zc, "merge", "--corpus", merged, "--profile", PROFILE, "--quiet", work + "/shard0", work + "/shard1"])
    n = counts(again.stdout)
    out_a, ent_a = export(zc, merged, work, "merged-again")
    check(again.returncode == 0 and n.get("added") == 0 and n.get("changed") == 0 and rows(out_a) == g,
          "merging again adds nothing: " + again.stdout.splitlines()[0])
    same = run([zc, "merge", "--corpus", merged, merged])
    check(same.returncode == 2, "merging a corpus into itself is refused (exit 2)")


def main():
    zc, work, what = sys.argv[1], sys.argv[2], sys.argv[3]
    {"wget": test_wget, "warcio": test_warcio, "shards": test_shards}[what](zc, work)
    print("warc_import %s: all checks passed" % what)


if __name__ == "__main__":
    main()
