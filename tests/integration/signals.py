#!/usr/bin/env python3
"""Codes researchers can cite: the same corpus gives the same codes, whatever the crawl's history.

usage: signals.py ZHENGCE WORKDIR [--signals N] [--seed S] [--most M]

An uninterrupted crawl of the mirror gives the reference: every document's file code and every
entry (code and text), which must be the mirror generator's own (truth.jsonl, file_codes in
tests/mirror/render.py).  Two complete crawls in other orders (the jurisdictions' list and its
reverse, each crawled in two halves, at other delays) must give the same codes.  Then, on fresh
corpora, crawls are stopped by SIGINT or SIGTERM after a
random number of requests (1..M reach the mirror), one to three times each before a crawl is let
run to its end.  A stopped crawl must exit 130 (SIGINT) or 143 (SIGTERM), select nothing and
publish nothing (a first crawl has no selection; a re-crawl keeps the one it had, whole), and say
so; the crawl that completes must give the reference's codes exactly.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def codes(zc, corpus):
    """(documents: sorted "url code" lines, entries: sorted JSON lines) of the published selection"""
    ex = subprocess.run([zc, "export", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
    en = subprocess.run([zc, "entries", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
    if ex.returncode or en.returncode:
        return None, None
    docs = sorted("%s %s" % (json.loads(l)["url"], json.loads(l)["code"]) for l in ex.stdout.splitlines())
    return docs, sorted(en.stdout.splitlines())


def published(zc, corpus):
    st = subprocess.run([zc, "stats", "--format", "json", "--corpus", corpus], capture_output=True, text=True)
    return json.loads(st.stdout)["documents"] if st.returncode == 0 else 0


def requests_seen(log):
    if not os.path.exists(log):
        return 0
    with open(log, "rb") as f:
        return sum(1 for l in f if b"\t/robots.txt\t" not in l)


def stop_at(cmd, log, sig, target):
    """Runs cmd, sends sig once target requests (past robots.txt) reached the mirror; returns the
    CompletedProcess-like (returncode, stdout, stderr) and whether the signal was sent."""
    start = requests_seen(log)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    sent = False
    while p.poll() is None and time.time() - t0 < 60:
        if requests_seen(log) - start >= target:
            p.send_signal(sig)
            sent = True
            break
        time.sleep(0.002)
    out, err = p.communicate()
    return p.returncode, out, err, sent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zhengce")
    ap.add_argument("work")
    ap.add_argument("--signals", type=int, default=20)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--most", type=int, default=1400, help="a crawl is stopped after 1..MOST requests")
    ap.add_argument("--delay", default="0.01")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    zc, work = a.zhengce, a.work
    mirror, corpus, log = fresh_work(work)
    truth = [json.loads(l) for l in open(mirror + "/truth.jsonl")]
    want_docs = sorted("%s %s" % (t["url"], t["file_code"]) for t in truth if t.get("decision") == "included")
    srv = Mirror(mirror, log=log)
    try:
        base = srv.crawl_cmd(zc, corpus, delay=a.delay, max_crawl_delay="0.1")
        r = subprocess.run(base, capture_output=True, text=True)
        ref_docs, ref_entries = codes(zc, corpus)
        check(r.returncode == 0 and ref_docs == want_docs,
              "an uninterrupted crawl: exit %d, %d file codes, the generator's own: %s" % (
                  r.returncode, len(ref_docs or []), ref_docs == want_docs))

        # two complete crawls in different orders: the jurisdictions' list and its reverse, each
        # crawled in two halves (every site of a jurisdiction in one half), at other delays
        juris = sorted({x["jurisdiction"] for x in json.load(open(mirror + "/sites.json"))["sites"]})
        for name, order, delays in (("in order", juris, ("0.01", "0.02")), ("reversed", juris[::-1], ("0", "0.03"))):
            c = "%s/corpus-%s" % (work, name.replace(" ", "-"))
            half = len(order) // 2
            rcs = []
            for part, delay in zip((order[:half], order[half:]), delays):
                cmd = srv.crawl_cmd(zc, c, delay=delay, max_crawl_delay="0.1", extra=("--site", ",".join(part)))
                rcs.append(subprocess.run(cmd, capture_output=True, text=True).returncode)
            d, e = codes(zc, c)
            check(rcs == [0, 0] and d == ref_docs and e == ref_entries,
                  "two crawls of halves of the sites, %s (%s first, delays %s s): exits %s, codes of documents and "
                  "entries identical to one crawl of all: %s" % (name, order[0], " and ".join(delays), rcs,
                                                                  d == ref_docs and e == ref_entries))
            shutil.rmtree(c, ignore_errors=True)

        # a re-crawl stopped by a signal keeps the published selection whole (a full one: an
        # incremental re-crawl of the unchanged mirror may end before the signal)
        for sig in (signal.SIGINT, signal.SIGTERM):
            rc, out, err, sent = stop_at(base[:-1] + ["--delay", "0.05", "--quiet", "--full"], log, sig, rng.randint(20, 200))
            d, e = codes(zc, corpus)
            check(sent and rc == 128 + sig and "selected:" not in out and "stands whole (609 included" in err
                  and d == ref_docs and e == ref_entries,
                  "a re-crawl stopped by %s exits %d, the published selection stands whole: %s" % (
                      signal.Signals(sig).name, rc, (err.strip().splitlines() or [""])[1:2]))

        sent_total, rounds, identical = 0, 0, 0
        while sent_total < a.signals:
            rounds += 1
            c = "%s/corpus-%d" % (work, rounds)
            shutil.rmtree(c, ignore_errors=True)
            cmd = srv.crawl_cmd(zc, c, delay=a.delay, max_crawl_delay="0.1")
            stops = 0
            for _ in range(min(rng.randint(1, 3), a.signals - sent_total)):
                sig = rng.choice([signal.SIGINT, signal.SIGTERM])
                target = rng.randint(1, a.most)
                rc, out, err, sent = stop_at(cmd, log, sig, target)
                if not sent or rc == 0:
                    break   # the crawl ended first: it is the resume
                sent_total += 1
                stops += 1
                n = published(zc, c)
                # stopped while crawling: says so and exits 128 + the signal; stopped while
                # selecting (the handlers are the crawl's): dies by it, nothing published either
                ok = n == 0 and "selected:" not in out and (rc == -sig or (
                    rc == 128 + sig and "interrupted by %s" % signal.Signals(sig).name in err and "nothing selected" in err))
                if not ok:
                    check(False, "round %d: %s after %d requests: exit %d, %d documents published, %r" % (
                        rounds, signal.Signals(sig).name, target, rc, n, err[-300:]))
            r = subprocess.run(cmd, capture_output=True, text=True)
            d, e = codes(zc, c)
            same = r.returncode == 0 and d == ref_docs and e == ref_entries
            identical += same
            if not same:
                check(False, "round %d: after %d signals the resumed crawl exits %d and its codes %s" % (
                    rounds, stops, r.returncode, "differ" if d is not None else "cannot be read"))
            shutil.rmtree(c, ignore_errors=True)
        check(identical == rounds,
              "%d signals (SIGINT, SIGTERM) in %d crawls, each followed by a resume: codes of documents and "
              "entries byte-identical to the uninterrupted crawl in %d of %d" % (sent_total, rounds, identical, rounds))
    finally:
        srv.stop()
    print("%d failed" % len(fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
