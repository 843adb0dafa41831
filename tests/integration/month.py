#!/usr/bin/env python3
"""A month of cron in miniature: consecutive crawls of a mirror that changes between them.

usage: month.py ZHENGCE WORKDIR [--runs 30] [--seed 1]

Between runs the sites publish new documents (`generate --add`, a few at a time) and correct
published ones (a sentence changed in the body: the page's bytes and ETag change); in each run
one or two sites may be down (500 or resets on every request), www.nhc.gov.cn stays challenged
throughout (no --cookies), and a third of the runs are killed, interrupted or terminated at a
random moment.  Checks:
  - no run exits 0 (a site is challenged in every one); every run that ends names the challenged
    site, and every site that was down;
  - after the last run (calm, a full pass, the universe of that run) the corpus holds exactly the truth's
    pages of the crawled sites (nhc aside), with the truth's fields and decisions, and the
    latest correction of every corrected page;
  - zhengce check passes after every run.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, MIRROR_PY  # noqa: E402
from render import quote_path  # noqa: E402

# four provinces, both their sites (cross-posted documents stay inside the crawl), families
# hanweb, trs, channels, jsp; and the challenged NHC
SITES = ["www.zj.gov.cn", "wsjkw.zj.gov.cn", "www.beijing.gov.cn", "wjw.beijing.gov.cn", "www.gxzf.gov.cn",
         "wsjkw.gxzf.gov.cn", "www.gansu.gov.cn", "wsjk.gansu.gov.cn"]
CHALLENGED = "www.nhc.gov.cn"
CN = "零一二三四五六七八九"
FIELDS = ("title", "docno", "written_date", "published_date", "type", "validity", "decision")


def numeral(n):
    """1..99 in Chinese numerals (十二, 二十三): the marker is found by its character pairs."""
    if n < 10:
        return CN[n]
    t, u = divmod(n, 10)
    return (CN[t] if t > 1 else "") + "十" + (CN[u] if u else "")


def generate(mirror, adds):
    subprocess.run([sys.executable, MIRROR_PY, "generate", "--out", mirror, "--add", str(adds)], check=True,
                   stdout=subprocess.DEVNULL)


def truth_of(mirror):
    return [json.loads(l) for l in open(mirror + "/truth.jsonl", encoding="utf-8")]


def correct(mirror, charsets, url, n):
    """The page of url with a correction: its first sentence ends with （修订第N版）."""
    u = re.match(r"https?://([^/]+)(/.*)", url)
    host, path = u.group(1), u.group(2)
    fp = os.path.join(mirror, "www", host, quote_path(path))
    cs = charsets.get(host, "utf-8")
    cs = "gb18030" if cs.lower() in ("gb2312", "gbk", "gb18030") else "utf-8"
    text = open(fp, "rb").read().decode(cs)
    at = text.find("。", text.find("<body"))
    assert at > 0, fp
    with open(fp, "wb") as f:
        f.write((text[:at] + "（修订第%s版）" % numeral(n) + text[at:]).encode(cs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zhengce")
    ap.add_argument("work")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    Z, W = a.zhengce, a.work
    rng = random.Random(a.seed)
    subprocess.run(["rm", "-rf", W], check=True)
    os.makedirs(W)
    mirror, corpus = W + "/mirror", W + "/corpus"
    adds = 0
    generate(mirror, adds)
    charsets = {s["host"]: s.get("charset", "utf-8") for s in json.load(open(mirror + "/sites.json"))["sites"]}
    corrections = {}        # url -> the number of its latest correction
    whole = None            # seconds a whole calm run took
    fails = []
    kinds = {"killed": 0, "interrupted": 0, "terminated": 0, "down": 0, "added": 0, "corrected": 0}
    for run in range(1, a.runs + 1):
        last = run == a.runs
        calm = run >= a.runs - 1      # the last two: no kill (the last must be a whole run)
        # the universe of this run
        more = 0 if last else rng.choice([0, 0, 1, 2, 3])
        if more:
            adds += more
            kinds["added"] += more
            generate(mirror, adds)
            for url, n in corrections.items():
                correct(mirror, charsets, url, n)
        if not last and rng.random() < 0.35:
            pages = [t for t in truth_of(mirror) if t["site"] in SITES and not t.get("disallowed") and
                     t["decision"] == "included"]
            t = rng.choice(pages)
            corrections[t["url"]] = run
            kinds["corrected"] += 1
            generate(mirror, adds)      # from the pristine page, then every correction
            for url, n in corrections.items():
                correct(mirror, charsets, url, n)
        down = [] if last else rng.sample(SITES, rng.choice([0, 0, 1, 2]))
        modes = {}
        for h in down:
            modes.setdefault(rng.choice(["500", "reset"]), []).append(h)
        faults = ",".join("%s=1@%s" % (mode, "+".join(hs)) for mode, hs in sorted(modes.items()))
        kinds["down"] += len(down)
        stop = None if calm or rng.random() >= 1 / 3 else rng.choice(
            [signal.SIGKILL, signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
        with Mirror(mirror, faults=faults, log=W + "/run%02d.log" % run) as m:
            cmd = [Z, "crawl", "--corpus", corpus, "--mirror", m.mapping(), "--cacert", mirror + "/tls/ca.pem",
                   "--site", ",".join(SITES + [CHALLENGED]), "--delay", "0.01", "--tries", "2", "--backoff", "0.05",
                   "--timeout", "10", "--quiet"] + (["--full"] if last else [])
            t0 = time.time()
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if stop is not None:
                # within the time a whole run takes, so that most signals land inside the crawl
                time.sleep(rng.uniform(0.05, 0.9) * (whole or 1.0))
                p.send_signal(stop)
            out, err = p.communicate()
            took = time.time() - t0
            if stop is None and not down and "resumed" not in out:
                whole = took
        what = "calm"
        if stop is not None:
            what = {signal.SIGKILL: "killed", signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}[stop]
            kinds[what] += 1
            if "selected:" in out and stop == signal.SIGKILL:
                what += " late"     # the signal came after the crawl had ended
        resumed = "resumed" in out
        print("run %2d: %-16s exit %3d %5.1f s%s, +%d documents, down: %s" % (
            run, what, p.returncode, took, " (resumed)" if resumed else "", more, ", ".join(down) or "none"))
        if p.returncode == 0:
            fails.append("run %d exited 0 while %s was challenged" % (run, CHALLENGED))
        if stop is None:
            missing = [h for h in [CHALLENGED] + down if h not in err]
            # a resumed run finishes the killed one's work: the sites it names are those it reached
            if missing and not resumed:
                fails.append("run %d did not name %s: %s" % (run, ", ".join(missing), err[-800:]))
        chk = subprocess.run([Z, "check", "--corpus", corpus], capture_output=True, text=True)
        if chk.returncode != 0:
            fails.append("run %d: zhengce check failed: %s" % (run, chk.stderr[-300:]))
    # the corpus against the truth of the last universe
    truth = {t["url"]: t for t in truth_of(mirror) if t["site"] in SITES and not t.get("disallowed")}
    ex = subprocess.run([Z, "export", "--all", "--format", "jsonl", "--corpus", corpus], capture_output=True, text=True)
    got = {j["url"]: j for j in map(json.loads, ex.stdout.splitlines())}
    mine = {u: j for u, j in got.items() if re.match(r"https?://([^/]+)/", u).group(1) in SITES}
    missing = sorted(set(truth) - set(mine))
    extra = sorted(set(mine) - set(truth))
    wrong = [(u, f, mine[u].get(f), truth[u][f]) for u in truth if u in mine for f in FIELDS
             if mine[u].get(f) != truth[u][f]]
    stale = []
    for url, n in corrections.items():
        q = subprocess.run([Z, "query", "--all", "--format", "jsonl", "--keyword", "修订第%s版" % numeral(n),
                            "--corpus", corpus], capture_output=True, text=True)
        if url not in [json.loads(l)["url"] for l in q.stdout.splitlines()]:
            stale.append(url)
    new = sum(1 for t in truth.values() if t.get("new"))
    print("%d runs: %d killed, %d interrupted, %d terminated; %d site-runs down; %d documents added (%d on the "
          "crawled sites); %d corrections" % (a.runs, kinds["killed"], kinds["interrupted"], kinds["terminated"],
                                              kinds["down"], kinds["added"], new, kinds["corrected"]))
    print("final corpus: %d pages of the crawled sites in truth, %d missing, %d not in truth, %d fields differ, "
          "%d of %d corrected pages without their latest correction" % (
              len(truth), len(missing), len(extra), len(wrong), len(stale), len(corrections)))
    for x in (missing[:5], extra[:5], wrong[:5], stale[:5]):
        for y in x:
            print("  ", y)
    if missing or extra or wrong or stale:
        fails.append("the final corpus differs from the truth of the last universe")
    for f in fails:
        print("FAIL", f)
    print("%s" % ("ok" if not fails else "%d failures" % len(fails)))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
