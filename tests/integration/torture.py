#!/usr/bin/env python3
"""Crash campaign: kill -9 the crawler at random moments, resume, and compare.

usage: torture.py ZHENGCE WORKDIR [--kills N] [--seed S]

Each round starts `zhengce crawl` against the mirror and sends SIGKILL after a random delay;
after every kill `zhengce check` must pass and the stored URLs are noted.  Then one crawl runs to
the end.  The final corpus must equal the truth exactly (compare_truth.py --strict-decisions, the
same corpus an uninterrupted crawl gives: tests/integration/e2e.py), and the mirror's request
log must show no article fetched again (200) after it had been stored.  Last, a fresh crawl is
killed while it selects (every page stored, nothing published): check must pass and the next
crawl must give the truth's corpus.
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


def kill_in_selection(zc, srv, work, delay, pages):
    """A crawl killed while it selects (every page fetched and stored, no selection published
    yet): check must pass, and the next crawl must give the truth's corpus.  Returns the
    failures."""
    corpus, log = work + "/corpus-select", srv.log
    crawl = srv.crawl_cmd(zc, corpus, delay=delay, max_crawl_delay="0.1")

    seen = {"at": 0, "lines": 0}

    def log_lines():
        """lines in the mirror's log, reading only what was added since the last call"""
        with open(log, "rb") as f:
            f.seek(seen["at"])
            more = f.read()
        seen["at"] += len(more)
        seen["lines"] += more.count(b"\n")
        return seen["lines"]

    # how many requests a fresh crawl makes: after the last one it only selects
    shutil.rmtree(corpus, ignore_errors=True)
    before = log_lines()
    subprocess.run(crawl, capture_output=True, check=True)
    requests = log_lines() - before
    # the wait after the last request is found by trial: too short, the last results are not
    # stored yet; too long, the selection is published (a slow build, as under ASan, needs longer)
    wait, step = 0.0, 0.05
    for attempt in range(8):
        shutil.rmtree(corpus, ignore_errors=True)
        before = log_lines()
        p = subprocess.Popen(crawl, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while p.poll() is None and log_lines() - before < requests:
            time.sleep(0.005)
        time.sleep(wait)
        if p.poll() is not None:
            step /= 2       # it finished first
            wait = max(0.0, wait - step)
            continue
        p.send_signal(signal.SIGKILL)
        p.wait()
        ck = subprocess.run([zc, "check", "--corpus", corpus], capture_output=True, text=True)
        st = subprocess.run([zc, "stats", "--format", "json", "--corpus", corpus], capture_output=True, text=True)
        stored = int(ck.stdout.split(" pages")[0].split()[-1]) if " pages" in ck.stdout else -1
        published = json.loads(st.stdout)["documents"] if st.returncode == 0 else -1
        if stored != pages or published != 0:
            print("  killed %.2f s after the last request: %d pages stored, %d documents published; again" % (
                wait, stored, published))
            if published > 0:
                step /= 2
                wait = max(0.0, wait - step)
            else:
                wait += step
            continue
        print("killed %.2f s after the last request, while selecting: %d pages stored, none published; "
              "zhengce check %s" % (wait, stored, "passed" if ck.returncode == 0 else "FAILED " + ck.stdout[-300:]))
        r = subprocess.run(crawl, capture_output=True, text=True)
        ex = subprocess.run([zc, "export", "--all", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
        with open(work + "/select-all.jsonl", "w") as f:
            f.write(ex.stdout)
        cmp = subprocess.run([sys.executable, os.path.join(HERE, "compare_truth.py"), srv.root + "/truth.jsonl",
                              work + "/select-all.jsonl", "--strict-decisions"], capture_output=True, text=True)
        print("the next crawl exits %d: %s; against the truth: %s" % (
            r.returncode, (r.stdout.strip().splitlines() or [""])[0], (cmp.stdout.strip().splitlines() or [""])[-1]))
        ok = ck.returncode == 0 and r.returncode == 0 and cmp.returncode == 0
        if not ok:
            print("FAIL a crawl killed while selecting")
        return 0 if ok else 1
    print("FAIL no kill of eight landed while the crawl selected")
    return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zhengce")
    ap.add_argument("work")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--delay", default="0.01", help="crawl delay")
    ap.add_argument("--most", type=int, default=150,
                    help="a run is killed after a random number (1..MOST) of requests reach the mirror; results are "
                         "committed in groups after the first burst of requests (one per host), so MOST must reach "
                         "past it for kills to land after commits")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    zc, work = a.zhengce, a.work
    mirror, corpus, log = fresh_work(work)
    srv = Mirror(mirror, log=log)
    fails = 0
    try:
        crawl = srv.crawl_cmd(zc, corpus, delay=a.delay, max_crawl_delay="0.1")
        stored_at = {}      # url -> log line count when it was first seen stored
        kills = 0
        recrawl_kills = 0   # kills that landed in a re-crawl, after the first crawl had finished
        finished = 0        # crawls that ended before their kill
        cut_records = 0     # WARC records a kill left in part, as zhengce check reports them
        while kills < a.kills:
            # kill at a random point of the crawl's progress (counted in requests the mirror
            # saw), so that every run gets somewhere and the kills spread over the whole crawl
            def progress():
                # requests past robots.txt, which every run fetches again first
                if not os.path.exists(log):
                    return 0
                return sum(1 for l in open(log) if "\t/robots.txt\t" not in l)
            start = progress()
            target = rng.randint(1, a.most)
            p = subprocess.Popen(crawl, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t0 = time.time()
            while p.poll() is None and time.time() - t0 < 20:
                seen = progress() - start
                if seen >= target:
                    break
                time.sleep(0.002)
            if p.poll() is not None:
                # finished before the kill: how far a killed run gets depends on the seed and on
                # how fast the crawl goes on between its count and the kill, so the campaign may
                # run out of crawl; it goes on with re-crawls of the unchanged mirror, whose kills
                # must leave the corpus as whole
                finished += 1
                if finished > 3:
                    break
                continue
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            recrawl_kills += finished > 0
            ck = subprocess.run([zc, "check", "--corpus", corpus], capture_output=True, text=True)
            if ck.returncode != 0 and "no corpus" not in ck.stderr:
                print("FAIL check after kill %d: %s %s" % (kills, ck.stdout, ck.stderr))
                fails += 1
            cut_records += ck.stdout.count("ends in part of a record")
            ex = subprocess.run([zc, "export", "--all", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
            n = sum(1 for _ in open(log))
            for l in ex.stdout.splitlines():
                stored_at.setdefault(json.loads(l)["url"], n)
        print("kills survived: %d (zhengce check passed after each: %s); pages stored by the killed runs: %d" % (
            kills, "yes" if not fails else "NO", len(stored_at)))
        if recrawl_kills:
            print("the first crawl finished after %d kills; %d more landed in re-crawls" % (
                kills - recrawl_kills, recrawl_kills))
        if not stored_at:
            # results are committed in groups: runs killed before their first commit test nothing
            # about refetching, so raise --most until kills land after commits
            print("FAIL no killed run stored a page: the kills all came before a commit")
            fails += 1
        if kills < a.kills:
            print("FAIL the crawls ended after %d kills; %d were asked for" % (kills, a.kills))
            fails += 1
        r = subprocess.run(crawl, capture_output=True, text=True)
        print(r.stdout + r.stderr)
        if r.returncode != 0:
            print("FAIL the final crawl exits %d" % r.returncode)
            fails += 1
        # a kill in the middle of a WARC record leaves part of it (check said so above); the
        # next crawl cut it: no file is left marked as being written, every one reads whole
        marks = [f for f in os.listdir(corpus + "/warc") if f.endswith(".open")]
        ck = subprocess.run([zc, "check", "--corpus", corpus], capture_output=True, text=True)
        print("WARC records left in part by a kill: %d; files still marked as being written after the final crawl: %d"
              % (cut_records, len(marks)))
        if marks or ck.returncode != 0 or "ends in part" in ck.stdout:
            print("FAIL after the final crawl: %s %s" % (marks[:3], ck.stdout[-500:]))
            fails += 1
        ex = subprocess.run([zc, "export", "--all", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
        open(work + "/all.jsonl", "w").write(ex.stdout)
        en = subprocess.run([zc, "entries", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
        open(work + "/entries.jsonl", "w").write(en.stdout)
        cmp = subprocess.run([sys.executable, os.path.join(HERE, "compare_truth.py"), mirror + "/truth.jsonl",
                              work + "/all.jsonl", "--entries", work + "/entries.jsonl", "--strict-decisions"],
                             capture_output=True, text=True)
        print("\n".join(cmp.stdout.splitlines()[-6:]))
        if cmp.returncode != 0:
            print("FAIL the corpus after %d kills differs from the truth" % kills)
            fails += 1
        lines = [l.split("\t") for l in open(log)]
        again = []
        for i, f in enumerate(lines):
            if len(f) > 4 and f[2] == "GET" and f[4] == "200":
                for scheme in ("https://", "http://"):
                    u = scheme + f[1] + f[3]
                    if u in stored_at and i >= stored_at[u]:
                        again.append(u)
        print("articles fetched again after they were stored: %d" % len(again))
        if again:
            print("FAIL e.g. " + again[0])
            fails += 1
        fails += kill_in_selection(zc, srv, work, a.delay, int(ck.stdout.split(" pages")[0].split()[-1]))
    finally:
        srv.stop()
    print("%d passed, %d failed" % (7 - min(fails, 7), fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
