#!/usr/bin/env python3
"""The cron loop on the real web: one bad site, URL or answer never stops the corpus.

usage: cron.py ZHENGCE WORKDIR

Each case crawls one or a few sites of the mirror with one of its fault modes (tests/mirror/
README.md) and checks what a crawl run from cron must do:
  challenged  a site that stays challenged (no --cookies) never keeps the other sites from being
              searched on the next run: documents they publish since are fetched
  longurl     links with 600 bytes of tracking parameters and a redirect to a 20 KB URL are
              stored like any other (LMDB's 511-byte key limit stopped every run)
  authority   http://HOST:80@127.0.0.1:P/ links and Location headers are out of scope: nothing
              reaches the address after the @, the redirect is named
  downgrade   an https article redirected to http is not followed, and named
  pager       an article whose inline script holds a challenge marker is a document
  empty       articles answered with an empty body are never stored as documents, and named
  upper       a seed URL written in upper case, with its port, as a host's first request: its
              robots.txt is asked for first, and the site crawled as written in lower case
  seeds       zhengce seeds check: a regex without a group refused at load (check and crawl), naming
              file, site and field; --fetch against the mirror reports links and pages of every
              endpoint, and a list whose URL is gone as failed; a --site that names no site is
              a usage error
  local       a truncated data.mdb is named (check, stats, export), never SIGBUS; a file where
              the corpus directory should be gives the system's words; reselect never creates a
              corpus; an export's part left by a killed run is removed; a full stdout fails
              query; a second interrupt stops a transfer that hangs at once; DEL, C1 controls and
              bidi overrides from pages reach neither CSV cells nor the terminal
  durable     (under strace) every LMDB sync finds the archive's records synced before it, and the
              archive's directory synced once its file was made
"""
import re
import shutil
import signal
import socket
import threading
import time
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work, MIRROR_PY  # noqa: E402

Z, WORK = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    print("%-11s %s%s" % (name, "ok" if ok else "FAILED", (": " + detail) if detail else ""))
    results.append(ok)


def crawl(mirror, name, sites, faults="", cookies=True, log=None, extra=(), wrap=(), env=None):
    corpus = WORK + "/" + name
    log = log or WORK + "/" + name + ".log"
    with Mirror(mirror, log=log, faults=faults) as m:
        cmd = [*wrap, Z, "crawl", "--corpus", corpus, "--mirror", m.mapping(), "--cacert", mirror + "/tls/ca.pem",
               "--site", ",".join(sites), "--delay", "0", "--tries", "3", "--backoff", "0.05", "--timeout", "10",
               "--quiet", *extra]
        if cookies:
            cmd += ["--cookies", mirror + "/cookies.txt"]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return r, corpus, log


def exported(corpus):
    ex = subprocess.run([Z, "export", "--all", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
    return {j["url"]: j for j in map(json.loads, ex.stdout.splitlines())}


def log_rows(log):
    return [l.rstrip("\n").split("\t") for l in open(log)]


def main():
    mirror = fresh_work(WORK)[0]
    # challenged: the documents the sites publish after a first crawl, on other sites than the
    # challenged one, are fetched by the next crawl
    later = WORK + "/mirror-later"
    subprocess.run([sys.executable, MIRROR_PY, "generate", "--out", later, "--add", "5"], check=True,
                   stdout=subprocess.DEVNULL)
    new = [j for j in map(json.loads, open(later + "/truth.jsonl")) if j.get("new")]
    sites = sorted({j["site"] for j in new} - {"www.nhc.gov.cn"}) + ["www.nhc.gov.cn"]
    r1, corpus, _ = crawl(mirror, "challenged", sites, cookies=False)
    first = exported(corpus)
    r2, _, _ = crawl(later, "challenged", sites, cookies=False, log=WORK + "/challenged-2.log")
    r3, _, _ = crawl(later, "challenged", sites, cookies=False, log=WORK + "/challenged-3.log")
    second = exported(corpus)
    want = [j["url"] for j in new if j["site"] != "www.nhc.gov.cn"]
    got = [u for u in want if u in second and u not in first]
    check("challenged", r1.returncode == 1 and r2.returncode == 1 and r3.returncode == 1 and got == want and
          "resumed" not in r2.stdout and "412 JavaScript challenge" in r2.stderr,
          "%d of %d new documents on %d other sites fetched by the next crawl, nhc.gov.cn named: %s" % (
              len(got), len(want), len(sites) - 1, "412 JavaScript challenge" in r2.stderr))

    def calm(site):
        r, corpus, _ = crawl(mirror, "calm-" + site, [site])
        assert r.returncode == 0, r.stderr
        return exported(corpus)

    # longurl: the same documents, under their long URLs
    host = "wjw.nmg.gov.cn"
    ref = calm(host)
    r, corpus, log = crawl(mirror, "longurl", [host], "longurl@" + host)
    rows = exported(corpus)
    longest = max((len(u) for u in rows), default=0)
    titles = sorted(j["title"] for j in rows.values())
    check("longurl", r.returncode == 0 and titles == sorted(j["title"] for j in ref.values()) and longest > 20000,
          "exit %d, %d pages (calm: %d), longest URL %d bytes" % (r.returncode, len(rows), len(ref), longest))
    if r.returncode:
        print(r.stderr[-1500:])

    # authority: nothing reaches 127.0.0.1 by a link's or a Location's user info
    host = "wsjkw.gxzf.gov.cn"
    r, corpus, log = crawl(mirror, "authority", [host], "authority@" + host)
    rows = exported(corpus)
    leaked = [l for l in log_rows(log) if l[1] == "127.0.0.1"]
    redirects = [l for l in log_rows(log) if l[7] == "authority-redirect"]
    at = [u for u in rows if "@" in u]
    check("authority", not leaked and not at and redirects and r.returncode == 1 and "user info" in r.stderr,
          "%d requests reached the address after the @, %d such pages stored, %d redirects named: %s" % (
              len(leaked), len(at), len(redirects), "user info" in r.stderr))

    # downgrade: https -> http refused and named
    host = "wjw.beijing.gov.cn"
    r, corpus, log = crawl(mirror, "downgrade", [host], "downgrade@" + host)
    rows = exported(corpus)
    plain = [l for l in log_rows(log) if l[7] == "plain" and l[3] != "/robots.txt"]
    check("downgrade", r.returncode == 1 and "from https down to http" in r.stderr and not plain and
          not [u for u in rows if u.startswith("http://")],
          "exit %d, %d requests over http, named: %s" % (r.returncode, len(plain), "down to http" in r.stderr))

    # pager: an ordinary script with a marker is not a challenge
    ref = calm(host)
    r, corpus, log = crawl(mirror, "pager", [host], "pager@" + host)
    rows = exported(corpus)
    same = {u: j["title"] for u, j in rows.items()} == {u: j["title"] for u, j in ref.items()}
    check("pager", r.returncode == 0 and same and any(l[7] == "pager" for l in log_rows(log)),
          "exit %d, %d pages (calm: %d)" % (r.returncode, len(rows), len(ref)))

    # empty: never a document, named
    r, corpus, log = crawl(mirror, "empty", [host], "empty@" + host)
    rows = exported(corpus)
    empty = {"https://" + host + l[3] for l in log_rows(log) if l[7] == "empty"}
    stored = empty & set(rows)
    check("empty", r.returncode == 0 and empty and not stored and "held no document" in r.stderr and
          set(rows) == set(ref) - empty,
          "%d empty answers, %d stored as documents, named: %s" % (len(empty), len(stored), "held no document" in r.stderr))

    # upper: the robots.txt URL from the parsed URL, not from where the host's name is found in it
    host = "wsjkw.gxzf.gov.cn"
    ref = calm(host)
    seeds = json.load(open(os.path.join(HERE, "..", "..", "seeds", "sites.json"), encoding="utf-8"))
    for s in seeds["sites"]:
        if s["host"] == host:
            for ep in s["lists"]:
                ep["url"] = ep["url"].replace("http://" + host, "http://" + host.upper() + ":80")
    with open(WORK + "/upper-seeds.json", "w", encoding="utf-8") as f:
        json.dump(seeds, f, ensure_ascii=False)
    r, corpus, log = crawl(mirror, "upper", [host], extra=("--seeds", WORK + "/upper-seeds.json"))
    rows = exported(corpus)
    first = log_rows(log)[0][3] if os.path.exists(log) else ""
    check("upper", r.returncode == 0 and first == "/robots.txt" and
          sorted(j["title"] for j in rows.values()) == sorted(j["title"] for j in ref.values()),
          "exit %d, first request %s, %d pages (calm: %d)" % (r.returncode, first, len(rows), len(ref)))

    # seeds: validated at load; checked against the mirror
    seeds_file = os.path.join(HERE, "..", "..", "seeds", "sites.json")
    profile = os.path.join(HERE, "..", "..", "profiles", "reference.json")
    picked = ["www.gov.cn", "www.zj.gov.cn", "wsjkw.zj.gov.cn", "wjw.beijing.gov.cn", "wsjkw.gxzf.gov.cn"]
    with Mirror(mirror) as m:
        base = [Z, "seeds", "check", "--profile", profile, "--mirror", m.mapping(), "--cacert", mirror + "/tls/ca.pem",
                "--cookies", mirror + "/cookies.txt", "--site", ",".join(picked)]
        good = subprocess.run(base + ["--seeds", seeds_file, "--fetch"], capture_output=True, text=True)
        seeds = json.load(open(seeds_file, encoding="utf-8"))
        for s in seeds["sites"]:
            if s["host"] == "wsjkw.gxzf.gov.cn":
                s["lists"][0]["pages"] = "共\\d+页"
        with open(WORK + "/nogroup.json", "w", encoding="utf-8") as f:
            json.dump(seeds, f, ensure_ascii=False)
        nogroup = subprocess.run(base + ["--seeds", WORK + "/nogroup.json"], capture_output=True, text=True)
        crawl_ng = subprocess.run([Z, "crawl", "--corpus", WORK + "/nogroup", "--seeds", WORK + "/nogroup.json",
                                   "--mirror", m.mapping(), "--quiet"], capture_output=True, text=True)
        for s in seeds["sites"]:
            if s["host"] == "wsjkw.gxzf.gov.cn":
                s["lists"][0]["pages"] = "共(\\d+)页"
                s["lists"][0]["url"] = s["lists"][0]["url"].replace("/channels/", "/channel/")
        with open(WORK + "/gone.json", "w", encoding="utf-8") as f:
            json.dump(seeds, f, ensure_ascii=False)
        gone = subprocess.run(base + ["--seeds", WORK + "/gone.json", "--fetch"], capture_output=True, text=True)
        typo = subprocess.run([Z, "crawl", "--corpus", WORK + "/typo", "--site", "33,www.zj.gov.cm", "--mirror",
                               m.mapping(), "--quiet"], capture_output=True, text=True)
    lines = [l for l in good.stdout.splitlines() if " links, " in l]
    named = all(x in nogroup.stderr for x in ("nogroup.json", "wsjkw.gxzf.gov.cn", '"pages" has no group'))
    check("seeds", good.returncode == 0 and len(lines) >= 5 and all(int(l.split()[3]) > 0 for l in lines) and
          nogroup.returncode == 1 and named and crawl_ng.returncode == 1 and "pages" in crawl_ng.stderr and
          gone.returncode == 1 and "wsjkw.gxzf.gov.cn" in gone.stdout and "FAILED" in gone.stdout and
          typo.returncode == 2 and '"www.zj.gov.cm"' in typo.stderr,
          "%d endpoints with links; no group: exit %d, named %s, crawl refused %s; gone list: exit %d; "
          "--site www.zj.gov.cm: exit %d" % (len(lines), nogroup.returncode, named, crawl_ng.returncode == 1,
                                             gone.returncode, typo.returncode))
    if good.returncode:
        print(good.stdout[-1500:], good.stderr[-1500:])

    # local: errors of the machine, not of the web
    host = "wjw.beijing.gov.cn"
    _, ok_corpus, _ = crawl(mirror, "local", [host])
    cut = WORK + "/local-cut"
    shutil.copytree(ok_corpus, cut)
    data = cut + "/corpus/data.mdb"
    os.truncate(data, os.path.getsize(data) // 2)
    cut_runs = [subprocess.run([Z, c, "--corpus", cut], capture_output=True, text=True) for c in ("check", "stats", "export")]
    cut_ok = all(r.returncode == 1 and "damaged" in r.stderr for r in cut_runs)
    open(WORK + "/afile", "w").close()
    notdir = subprocess.run([Z, "crawl", "--corpus", WORK + "/afile/x", "--mirror", "127.0.0.1:1:2", "--quiet"],
                            capture_output=True, text=True)
    typo = subprocess.run([Z, "reselect", "--corpus", WORK + "/no-such-corpus"], capture_output=True, text=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = WORK + "/out.csv.part-%d" % dead.pid
    open(stale, "w").close()
    exp = subprocess.run([Z, "export", "--corpus", ok_corpus, "-o", WORK + "/out.csv"], capture_output=True, text=True)
    with open("/dev/full", "w") as full:
        q = subprocess.run([Z, "query", "--corpus", ok_corpus], stdout=full, stderr=subprocess.PIPE, text=True)
    # a server that accepts and never answers: the first interrupt waits for the transfer, the
    # second stops it at once
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held = []
    threading.Thread(target=lambda: [held.append(srv.accept()) for _ in range(8)], daemon=True).start()
    p = subprocess.Popen([Z, "crawl", "--corpus", WORK + "/hang", "--site", "wsjkw.gxzf.gov.cn", "--timeout", "40",
                          "--connect-to", "wsjkw.gxzf.gov.cn:80:127.0.0.1:%d" % srv.getsockname()[1], "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    time.sleep(1.0)
    first_alive = p.poll() is None
    p.send_signal(signal.SIGINT)
    t = time.time()
    try:
        p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
    stop = time.time() - t
    srv.close()
    # controls in titles
    r, corpus, _ = crawl(mirror, "controls", [host], "controls@" + host)
    csv = subprocess.run([Z, "export", "--all", "--corpus", corpus], capture_output=True).stdout.decode("utf-8")
    table = subprocess.run([Z, "query", "--all", "--corpus", corpus], capture_output=True).stdout.decode("utf-8")
    banned = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")
    dirty = len(banned.findall(csv)) + len(banned.findall(table.replace("\n", "")))
    check("local", cut_ok and notdir.returncode == 1 and "not a directory" in notdir.stderr and
          typo.returncode == 1 and not os.path.exists(WORK + "/no-such-corpus") and exp.returncode == 0 and
          not os.path.exists(stale) and q.returncode == 1 and "no space" in q.stderr and first_alive and stop < 5 and
          p.returncode != 0 and dirty == 0 and "医" in csv,
          "truncated named by check/stats/export: %s (exits %s); not a directory: %s; reselect typo: exit %d, created: %s; "
          "stale part removed: %s; query to a full disk: exit %d; second interrupt stopped in %.1f s; %d control "
          "characters in CSV and table" % (cut_ok, [r.returncode for r in cut_runs], "not a directory" in notdir.stderr,
                                           typo.returncode, os.path.exists(WORK + "/no-such-corpus"), not os.path.exists(stale),
                                           q.returncode, stop, dirty))

    # durable: the WARC reaches the disk before the commit that points into it
    if shutil.which("strace"):
        trace = WORK + "/durable.trace"
        # LeakSanitizer stops a process it cannot ptrace itself (strace holds it): no leak check here
        env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
        r, corpus, log = crawl(mirror, "durable", [host], wrap=["strace", "-f", "-y", "-o", trace, "-e",
                                                                "trace=write,pwrite64,fdatasync,fsync,msync"], env=env)
        dirty, bad, commits, dirsync = False, 0, 0, False
        for line in open(trace):
            m = re.search(r"(write|pwrite64|fdatasync|fsync|msync)\(\d+<([^>]*)>", line)
            if not m:
                continue
            call, path = m.groups()
            if path.endswith(".warc.gz"):
                dirty = call in ("write", "pwrite64") or (dirty and call not in ("fdatasync", "fsync"))
            elif path.endswith("/warc") and call == "fsync":
                dirsync = True
            elif path.endswith("data.mdb") and call in ("fdatasync", "fsync", "msync"):
                commits += 1
                bad += dirty
        if r.returncode:
            print(r.stderr[-1000:])
        check("durable", r.returncode == 0 and commits > 5 and not bad and dirsync,
              "%d LMDB syncs, %d with archive records not yet synced, directory synced: %s" % (commits, bad, dirsync))
    else:
        print("durable     skipped: no strace")

    print("%d passed, %d failed" % (sum(results), len(results) - sum(results)))
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
