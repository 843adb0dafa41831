#!/usr/bin/env python3
"""Cron over real minutes: a crawl started every --every seconds while polite crawls run.

usage: overlap.py ZHENGCE WORKDIR [--minutes M] [--every S] [--delay D]

A researcher's crontab starts `zhengce crawl` every hour, and a polite crawl of the 64 sites
can last longer than that.  This does the same with the hour shortened to --every seconds and a
delay between requests that makes one crawl last a few of them.  Each start either takes the
corpus's lock and crawls, or exits 75 at once naming the crawl that holds it.  Checks:

  1. every start exits 0 or 75, and each 75 says which process holds the lock;
  2. the crawls that ran never overlapped, and every start turned away came while one ran;
  3. starts were turned away, and more than one crawl ran (the first, then re-crawls);
  4. `zhengce check` passes while a crawl runs (a reader beside the writer) and at the end;
  5. the corpus is the truth (compare_truth.py --strict-decisions);
  6. the re-crawls fetched no article body again (the mirror's request log).

scripts/torture runs it (six minutes); the suite's e2e_crawl does the same in seconds.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = 0


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def check(ok, what):
    global fails
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        fails += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zhengce")
    ap.add_argument("work")
    ap.add_argument("--minutes", type=float, default=6)
    ap.add_argument("--every", type=float, default=45, help="seconds between two starts (cron's hour)")
    ap.add_argument("--delay", default="2", help="crawl delay: about 50 requests to the busiest host")
    a = ap.parse_args()
    zc, work = a.zhengce, a.work
    mirror, corpus, log = fresh_work(work)
    srv = Mirror(mirror, log=log)
    try:
        crawl = srv.crawl_cmd(zc, corpus, delay=a.delay, max_crawl_delay=a.delay)
        runs = []           # [start, end, Popen, log lines when it started]; output in WORK/runN.out, .err
        t0 = time.time()
        next_start = t0
        check_during = []
        while True:
            now = time.time()
            if now - t0 < a.minutes * 60 and now >= next_start:
                lines = read(log).count("\n") if os.path.exists(log) else 0
                # output to files: a pipe nobody reads while the crawl runs could fill and stop it
                n = len(runs)
                with open("%s/run%d.out" % (work, n), "w") as o, open("%s/run%d.err" % (work, n), "w") as e:
                    p = subprocess.Popen(crawl, stdout=o, stderr=e)
                runs.append([now - t0, None, p, lines])
                next_start += a.every
            for r in runs:
                if r[1] is None and r[2].poll() is not None:
                    r[1] = time.time() - t0
            running = [r for r in runs if r[1] is None]
            if not running and time.time() - t0 >= a.minutes * 60:
                break
            # a reader beside the writer, once per crawl, five seconds in
            for r in running:
                if r not in check_during and time.time() - t0 - r[0] > 5:
                    ck = subprocess.run([zc, "check", "--corpus", corpus], capture_output=True, text=True)
                    check_during.append(r)
                    check(ck.returncode == 0, "zhengce check while the crawl started at %.0f s runs: %s" % (
                        r[0], (ck.stdout.strip().splitlines() or [""])[-1]))
            time.sleep(0.05)
        outs = [(r[0], r[1], r[2].returncode, read("%s/run%d.out" % (work, i)), read("%s/run%d.err" % (work, i)), r[3])
                for i, r in enumerate(runs)]
        for s, e, rc, out, err, _ in outs:
            print("start %6.1f s  end %6.1f s  exit %d  %s" % (s, e, rc, (out.strip().splitlines() or err.strip().splitlines() or [""])[0][:100]))
        ran = [o for o in outs if o[2] == 0]
        turned = [o for o in outs if o[2] == 75]
        check(len(ran) + len(turned) == len(outs), "every start exits 0 or 75 (%s)" % [o[2] for o in outs])
        check(all("another crawl" in o[4] and "pid" in o[4] for o in turned),
              "each start turned away says which process holds the lock")
        # an end is seen by the 50 ms poll above, after the start made in the same turn
        check(all(ran[i][1] <= ran[i + 1][0] + 0.2 for i in range(len(ran) - 1)),
              "the %d crawls that ran never overlapped" % len(ran))
        check(all(any(r[0] <= o[0] <= r[1] for r in ran) for o in turned),
              "each of the %d starts turned away came while a crawl ran" % len(turned))
        check(len(turned) >= 2 and len(ran) >= 2, "starts were turned away (%d) and more than one crawl ran (%d)" % (
            len(turned), len(ran)))
        check(len(check_during) >= 1, "zhengce check ran beside a crawl %d times" % len(check_during))
        ck = subprocess.run([zc, "check", "--corpus", corpus], capture_output=True, text=True)
        check(ck.returncode == 0, "zhengce check at the end: " + (ck.stdout.strip().splitlines() or [""])[-1])
        ex = subprocess.run([zc, "export", "--all", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
        with open(work + "/all.jsonl", "w") as f:
            f.write(ex.stdout)
        cmp = subprocess.run([sys.executable, os.path.join(HERE, "compare_truth.py"), mirror + "/truth.jsonl",
                              work + "/all.jsonl", "--strict-decisions"], capture_output=True, text=True)
        check(cmp.returncode == 0, "the corpus is the truth: " + (cmp.stdout.strip().splitlines() or [""])[-1])
        articles = {json.loads(l)["url"].split("://", 1)[1] for l in read(mirror + "/truth.jsonl").splitlines()}
        lines = [l.split("\t") for l in read(log).splitlines()]
        # a crawl's requests are the log's lines from its start to the next crawl's start
        # (a start turned away asks nothing)
        for k in range(1, len(ran)):
            s, e, rc, out, err, first = ran[k]
            mine = lines[first:ran[k + 1][5] if k + 1 < len(ran) else len(lines)]
            bodies = sum(1 for f in mine if f[4] == "200" and (f[1] + f[3]) in articles)
            check(bodies == 0 and "added 0, changed 0" in out,
                  "the re-crawl started at %.0f s: %d requests, %d article bodies, %s" % (
                      s, len(mine), bodies, out.strip().splitlines()[0] if out.strip() else err.strip()[:80]))
    finally:
        srv.stop()
    print("overlap: %s" % ("all checks passed" if not fails else "%d failed" % fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
