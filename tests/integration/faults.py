#!/usr/bin/env python3
"""Fault campaign: crawl the mirror while it misbehaves, and compare with a calm crawl.

usage: faults.py ZHENGCE WORKDIR [--rate R]

For each recoverable fault (slow answers, 500, 503 with Retry-After, connection resets,
truncated bodies, 429 rate limiting) injected at rate R on every host, the crawl must end, exit
0, and give exactly the corpus of a fault-free crawl of the same sites (same pages, fields,
decisions, codes).  For the faults a crawler cannot get past (a WAF page, a redirect loop, a
search URL gone after a redesign) on one site, the crawl must end, exit 1 naming that site, store
no error page, and keep every other site's corpus intact.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work, run_measured  # noqa: E402
SITES = ["www.gov.cn", "www.zj.gov.cn", "wsjkw.zj.gov.cn", "www.beijing.gov.cn", "wjw.beijing.gov.cn",
         "wjw.nmg.gov.cn", "wsjk.gansu.gov.cn", "wsjkw.gxzf.gov.cn", "www.hebei.gov.cn", "wjw.hubei.gov.cn"]
RSS = {}
KEEP = ("url", "code", "title", "docno", "issuers", "written_date", "published_date", "type", "validity",
        "decision", "reason", "canonical_url", "sources", "entries")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zhengce")
    ap.add_argument("work")
    ap.add_argument("--rate", type=float, default=0.08)
    a = ap.parse_args()
    mirror = fresh_work(a.work)[0]
    results = []

    def crawl(name, faults, extra=(), sites=None, mirror_opt=True):
        corpus, log = a.work + "/" + name, a.work + "/" + name + ".log"
        with Mirror(mirror, log=log, faults=faults) as srv:
            mapping = ["--mirror", srv.mapping()] if mirror_opt else [x.replace("TLS", str(srv.tls)) for x in extra]
            cmd = [a.zhengce, "crawl", "--corpus", corpus, *mapping,
                   "--cacert", mirror + "/tls/ca.pem", "--site", ",".join(sites or SITES), "--delay", "0",
                   "--tries", "8", "--backoff", "0.05", "--timeout", "10", "--quiet"]
            # under AddressSanitizer, freed buffers wait in a 256 MB quarantine: keep it small so
            # that peak RSS says what the crawl holds
            env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16")
            secs, _, RSS["last"], _, r = run_measured(cmd, env=env)
        ex = subprocess.run([a.zhengce, "export", "--all", "--format", "jsonl", "--corpus", corpus],
                            capture_output=True, text=True)
        rows = {}
        for l in ex.stdout.splitlines():
            j = json.loads(l)
            rows[j["url"]] = {k: j.get(k) for k in KEEP}
        injected = sum(1 for l in open(log) if l.split("\t")[4] not in ("200", "304") or l.rstrip("\n").split("\t")[7])
        return r, rows, secs, injected

    calm, ref, secs, _ = crawl("calm", "")
    calm_rss = RSS["last"]
    print("calm crawl of %d sites: exit %d, %d pages, %.1f s" % (len(SITES), calm.returncode, len(ref), secs))
    ok = calm.returncode == 0 and len(ref) > 100
    results.append(("calm", ok))
    for mode in ("slow", "500", "503", "reset", "truncate", "ratelimit", "huge", "charset"):
        r, rows, secs, injected = crawl(mode, "%s=%g" % (mode, a.rate))
        same = rows == ref
        ok = r.returncode == 0 and same
        diff = len(set(rows) ^ set(ref)) + sum(1 for u in rows if u in ref and rows[u] != ref[u])
        print("%-10s exit %d, %4d faults answered, %.1f s, corpus %s" % (
            mode, r.returncode, injected, secs, "identical" if same else "DIFFERS in %d pages" % diff))
        if not ok:
            print(r.stderr[-2000:])
        results.append((mode, ok))
    for mode, host in (("waf", "www.hebei.gov.cn"), ("redirect-loop", "wjw.hubei.gov.cn"),
                       ("redesign", "www.zj.gov.cn")):
        r, rows, secs, injected = crawl(mode, "%s=1@%s" % (mode, host))
        others = {u: v for u, v in ref.items() if host not in u}
        mine = {u: v for u, v in rows.items() if host not in u}
        named = host in r.stderr
        junk = [u for u in rows if host in u and u not in ref]
        intact = all(mine.get(u, {}).get("title") == v["title"] for u, v in others.items())
        ok = r.returncode == 1 and named and not junk and intact
        print("%-13s on %s: exit %d, site named: %s, error pages stored: %d, other sites intact: %s, %.1f s" % (
            mode, host, r.returncode, named, len(junk), intact, secs))
        if not ok:
            print(r.stdout + r.stderr[-2000:])
        results.append((mode, ok))
    # a gzip bomb on every article of one site: skipped at --max-body, memory bounded
    host = "wsjkw.gxzf.gov.cn"
    r, rows, secs, injected = crawl("bomb", "bomb=1@" + host)
    rss = RSS.get("last", 0)
    junk = [u for u in rows if host in u and u not in ref]
    stored = [u for u in rows if host in u and u in ref]
    ok = r.returncode == 1 and host in r.stderr and "max-body" in r.stderr and not junk and not stored and \
        rss < calm_rss + 64
    print("bomb          on %s: exit %d, %d bombs (64 MB each) answered, none stored, site named: %s, peak RSS %.0f MB "
          "(calm crawl: %.0f MB)" % (host, r.returncode, injected, host in r.stderr, rss, calm_rss))
    if not ok:
        print(r.stdout + r.stderr[-2000:])
    results.append(("bomb", ok))
    # pagination that never ends: bounded by max_pages, the site named
    host = "wsjk.gansu.gov.cn"
    r, rows, secs, injected = crawl("endless", "endless=1@" + host)
    reqs = sum(1 for l in open(a.work + "/endless.log") if l.split("\t")[1] == host)
    # bounded, yet followed to max_pages (500): pagination runs ahead of the answers, and a page
    # that is not there (404 here, past the real ones) still queues the pages after it
    ok = r.returncode == 1 and host in r.stderr and "max_pages" in r.stderr and 500 <= reqs < 1200
    print("endless       on %s: exit %d, %d requests to it (bounded, max_pages 500 reached), site named: %s, %.1f s"
          % (host, r.returncode, reqs, host in r.stderr, secs))
    if not ok:
        print(r.stdout + r.stderr[-2000:])
    results.append(("endless", ok))
    # nhc.gov.cn's JavaScript challenge without the browser's cookies: named, nothing stored
    r, rows, secs, injected = crawl("challenge", "", sites=["www.nhc.gov.cn"])
    ok = r.returncode == 1 and "www.nhc.gov.cn: 412 JavaScript challenge, pass --cookies FILE" in r.stderr and not rows
    print("challenge     on www.nhc.gov.cn without cookies: exit %d, pages stored %d, message: %s" % (
        r.returncode, len(rows), "yes" if "pass --cookies" in r.stderr else "NO"))
    results.append(("challenge", ok))
    # mirror mode with one host mapped: the unmapped search host is refused, never looked up
    r, rows, secs, injected = crawl("unmapped", "", extra=("--connect-to", "www.gov.cn:443:127.0.0.1:TLS"),
                                    sites=["www.gov.cn"], mirror_opt=False)
    ok = r.returncode == 1 and "sousuo.www.gov.cn:443 is not mapped by --connect-to; refused" in r.stderr
    print("unmapped      sousuo.www.gov.cn with only www.gov.cn mapped: exit %d, refused: %s" % (
        r.returncode, "yes" if "refused" in r.stderr else "NO"))
    if not ok:
        print(r.stdout + r.stderr[-1500:])
    results.append(("unmapped", ok))
    passed = sum(1 for _, ok in results if ok)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
