#!/usr/bin/env python3
"""Incremental re-crawls (docs/DESIGN.md): gentle on the sites, safe from cron.

usage: incremental.py ZHENGCE WORKDIR

  - a re-crawl of an unchanged mirror asks at most 0.3x the first crawl's requests;
  - after `generate --add 20` (documents published since), the next re-crawl finds every one;
  - a re-crawl stopped by a signal, or one in which a site failed, does not move that site's
    last complete crawl: the next run still searches it from the crawl before;
  - after `generate --edit 3` (old documents edited), --full finds every edit;
  - --full-every RUNS is kept in the corpus: the run after RUNS complete runs is a full pass.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work, MIRROR_PY  # noqa: E402
from render import EDIT_MARK  # noqa: E402

Z, WORK = sys.argv[1], sys.argv[2]
fails = []


def check(name, ok, detail):
    print("%-12s %s: %s" % (name, "ok" if ok else "FAILED", detail))
    if not ok:
        fails.append(name)


def generate(mirror, *args):
    subprocess.run([sys.executable, MIRROR_PY, "generate", "--out", mirror, *args], check=True, stdout=subprocess.DEVNULL)


def crawl(mirror, corpus, *extra, faults=None, stop_after=None):
    """one run: (exit code, stdout, {site: its last complete crawl, or "full"}, requests the mirror had)"""
    log = WORK + "/requests.log"
    if os.path.exists(log):
        os.remove(log)
    with Mirror(mirror, log=log, faults=faults) as m:
        p = subprocess.Popen(m.crawl_cmd(Z, corpus, extra=("--verbose", "--tries", "2", "--backoff", "0.05") + extra),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if stop_after:
            # once the mirror has had stop_after requests, within the crawl (not before it)
            while p.poll() is None and (not os.path.exists(log) or sum(1 for _ in open(log)) < stop_after):
                time.sleep(0.02)
            p.send_signal(signal.SIGINT)
        out, err = p.communicate()
    since = {}
    for mo in re.finditer(r"zhengce crawl: (\S+): searched (since its last complete crawl \((\S*)\)|in full)", err):
        since[mo.group(1)] = mo.group(3) if mo.group(3) is not None else "full"
    requests = sum(1 for _ in open(log)) if os.path.exists(log) else 0
    time.sleep(1.1)     # the next run starts in another second: its mark differs
    return p.returncode, out, since, requests


def exported(corpus):
    ex = subprocess.run([Z, "export", "--all", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
    return {json.loads(l)["url"] for l in ex.stdout.splitlines()}


def main():
    mirror, corpus, _ = fresh_work(WORK)
    rc1, out1, s1, r1 = crawl(mirror, corpus)
    rc2, out2, s2, r2 = crawl(mirror, corpus)
    inc = [h for h, v in s2.items() if v != "full"]
    check("unchanged", rc1 == 0 and rc2 == 0 and r2 <= 0.3 * r1 and set(s1.values()) == {"full"} and len(inc) == len(s2),
          "re-crawl %d requests, first crawl %d (%.2fx); %d of %d sites searched since their last complete crawl" % (
              r2, r1, r2 / max(r1, 1), len(inc), len(s2)))

    # documents published since; a run stopped by a signal, then one with a site down
    generate(mirror, "--add", "20")
    truth = [json.loads(l) for l in open(mirror + "/truth.jsonl", encoding="utf-8")]
    new = [t for t in truth if t.get("new")]
    down = sorted({t["site"] for t in new})[0]
    rc3, out3, s3, _ = crawl(mirror, corpus, "--delay", "0.2", stop_after=30)
    rc4, out4, s4, _ = crawl(mirror, corpus, faults="500=1@" + down)
    rc5, out5, s5, _ = crawl(mirror, corpus)
    got = exported(corpus)
    missing = [t["url"] for t in new if t["url"] not in got]
    check("added", rc5 == 0 and not missing, "%d of %d documents published since found by the next re-crawls%s" % (
        len(new) - len(missing), len(new), (": missing " + " ".join(missing[:3])) if missing else ""))
    # a run reports each site's mark as it started: s3 holds the marks crawl 2 left
    others = [h for h in s5 if h != down and s5[h] != "full" and h in s3]
    check("cron-safe", rc3 == 130 and len(s3) == len(s5) and "resumed" in out4 and rc4 == 1 and s5.get(down) == s3.get(down) and
          all(s5[h] != s3[h] for h in others),
          "stopped run exit %d, run with %s down exit %d (%s); %s last complete crawl %s after both (%s before); "
          "%d other sites moved on" % (rc3, down, rc4, "resumed" if "resumed" in out4 else "not resumed", down,
                                       s5.get(down), s3.get(down), sum(1 for h in others if s5[h] != s3[h])))

    # old documents edited: a full pass finds them
    generate(mirror, "--add", "20", "--edit", "3")
    edited = {t["url"] for t in json.loads("[%s]" % ",".join(open(mirror + "/truth.jsonl", encoding="utf-8"))) if t.get("edited")}
    rc6, out6, s6, r6 = crawl(mirror, corpus, "--full")
    q = subprocess.run([Z, "query", "--all", "--format", "jsonl", "--keyword", EDIT_MARK, "--corpus", corpus],
                       capture_output=True, text=True)
    found = {json.loads(l)["url"] for l in q.stdout.splitlines()}
    check("full", rc6 == 0 and len(edited) == 3 and edited <= found and set(s6.values()) == {"full"},
          "--full: %d requests, %d of %d edited documents found with their edit" % (r6, len(edited & found), len(edited)))

    # the policy, kept in the corpus: after one complete run since the full pass, a full pass
    rc7, _, s7, _ = crawl(mirror, corpus, "--full-every", "1")
    rc8, _, s8, _ = crawl(mirror, corpus)
    check("policy", rc7 == 0 and rc8 == 0 and "full" not in s7.values() and set(s8.values()) == {"full"},
          "--full-every 1: the next run searched %d sites since their last crawl, the one after %d in full" % (
              sum(1 for v in s7.values() if v != "full"), sum(1 for v in s8.values() if v == "full")))
    bad = subprocess.run([Z, "crawl", "--full-every", "0", "--corpus", WORK + "/none"], capture_output=True, text=True)
    check("usage", bad.returncode == 2 and "--full-every" in bad.stderr, bad.stderr.strip())
    if fails:
        sys.exit("incremental: failed: " + ", ".join(fails))


if __name__ == "__main__":
    main()
