#!/usr/bin/env python3
"""zhengce renumber: chronological codes afresh, with the old -> new map, refused once codings exist.

usage: renumber.py ZHENGCE WORKDIR

The health commission of Zhejiang and the NHC are crawled first, every site after: the
documents found by the second crawl get codes after the first's, so some codes are not the
chronological ones the mirror generator gives (truth.jsonl).  With a record in the coding table
("codings", created here with mdb_load, as a later zhengce would) renumber refuses and changes
nothing; with --force, or once the table is empty, it gives every code afresh: then documents
and entries have exactly the generator's codes, `zhengce check` passes, and the map CSV says
old -> new for every code that changed.  Last, documents out of the selection (a later date
range) lose their codes when it renumbers, and get new ones after the highest when they return.
"""
import csv
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work)
    truth = [json.loads(l) for l in open(mirror + "/truth.jsonl")]
    want = {t["url"]: t["file_code"] for t in truth if t.get("decision") == "included"}

    def run(*args):
        return subprocess.run([zc, *args, "--corpus", corpus], capture_output=True, text=True)

    def codes():
        docs = {x["url"]: x["code"] for x in map(json.loads, run("export", "--format", "jsonl").stdout.splitlines())}
        ents = sorted(run("entries", "--format", "jsonl").stdout.splitlines())
        return docs, ents

    with Mirror(mirror, log=log) as srv:
        for extra in (("--site", "wsjkw.zj.gov.cn,www.nhc.gov.cn"), ()):
            r = subprocess.run(srv.crawl_cmd(zc, corpus, delay="0.01", max_crawl_delay="0.1", extra=extra),
                               capture_output=True, text=True)
            check(r.returncode == 0, "crawl %s: exit %d" % (" ".join(extra) or "of every site", r.returncode))
    before, ents_before = codes()
    off = {u for u in want if before.get(u) != want[u]}
    check(set(before) == set(want) and len(off) > 10,
          "codes in the order the documents were found: %d of %d are not the chronological ones" % (len(off), len(want)))

    # a coding table with a record: refused, nothing changes
    shutil.copytree(corpus, work + "/saved")
    load = subprocess.run(["mdb_load", "-s", "codings", "-T", corpus + "/corpus"], input="00-1-1-1\ncoder-a\n",
                          capture_output=True, text=True)
    r = run("renumber", "--map", work + "/map.csv")
    check(load.returncode == 0 and r.returncode == 1 and "coding table holds 1 coding made" in r.stderr and
          "--force" in r.stderr and codes() == (before, ents_before) and not os.path.exists(work + "/map.csv"),
          "a coding stored: renumber refuses, changes nothing, writes no map: " + r.stderr.strip()[:120])
    r = run("renumber", "--map", work + "/map.csv", "--force")
    forced, _ = codes()
    check(r.returncode == 0 and "still use the old codes" in r.stdout and forced == want,
          "--force renumbers all the same, and says the codings keep the old codes")

    # the same on the corpus without codings
    shutil.rmtree(corpus)
    shutil.copytree(work + "/saved", corpus)
    os.remove(work + "/map.csv")
    r = run("renumber", "--map", work + "/map.csv")
    after, ents_after = codes()
    check(r.returncode == 0 and after == want, "renumber: every document has the generator's chronological code (%s)"
          % r.stdout.strip())
    ex = run("export", "--all", "--format", "jsonl").stdout
    en = run("entries", "--format", "jsonl").stdout
    open(work + "/all.jsonl", "w").write(ex)
    open(work + "/entries.jsonl", "w").write(en)
    cmp = subprocess.run([sys.executable, os.path.join(HERE, "compare_truth.py"), mirror + "/truth.jsonl",
                          work + "/all.jsonl", "--entries", work + "/entries.jsonl", "--strict-decisions"],
                         capture_output=True, text=True)
    check(cmp.returncode == 0, "entries too: codes and texts are the generator's (%s)" % cmp.stdout.strip().splitlines()[-1])
    ck = run("check")
    check(ck.returncode == 0, "zhengce check after renumber: " + ck.stdout.strip()[-80:])
    with open(work + "/map.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    mapped = {x["url"]: (x["old_code"], x["new_code"]) for x in rows}
    check(len(rows) == len(want) and all(mapped[u] == (before[u], after[u]) for u in want) and
          sum(o != n for o, n in mapped.values()) == len(off),
          "the map: old -> new for all %d documents, %d of them changed" % (len(rows), len(off)))
    # a later crawl keeps the new codes
    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus, delay="0.01", max_crawl_delay="0.1"), capture_output=True, text=True)
    check(r.returncode == 0 and codes() == (after, ents_after), "a crawl after it keeps the new codes")
    # documents out of the selection lose their codes; back in, they get new ones after the highest
    prof = json.load(open(os.path.join(os.path.dirname(os.path.dirname(HERE)), "profiles", "reference.json")))
    prof["date_range"] = ["2015-01-01", "2024-10-31"]
    json.dump(prof, open(work + "/later.json", "w"), ensure_ascii=False)
    run("reselect", "--profile", work + "/later.json")
    kept, _ = codes()
    left = set(after) - set(kept)
    os.remove(work + "/map.csv")
    r = run("renumber", "--map", work + "/map.csv")
    with open(work + "/map.csv", encoding="utf-8-sig", newline="") as f:
        rows = {x["url"]: (x["old_code"], x["new_code"]) for x in csv.DictReader(f)}
    renumbered, _ = codes()

    def order(url):
        t = by_url[url]
        return (t["written_date"] or t["published_date"], t["published_date"], t["docno"], url)
    by_url = {t["url"]: t for t in truth if t.get("decision") == "included"}
    chrono = all(int(renumbered[u].split("-")[1]) == 1 + sum(1 for v in renumbered if v != u and
                 renumbered[v].split("-")[0] == renumbered[u].split("-")[0] and order(v) < order(u)) for u in renumbered)
    check(r.returncode == 0 and left and all(rows[u] == (after[u], "") for u in left) and chrono,
          "%d documents out of the selection: the map says their codes go, the %d others are numbered from 1 "
          "in order" % (len(left), len(renumbered)))
    run("reselect")
    back, _ = codes()
    top = {}
    for u, c in renumbered.items():
        j, n = c.split("-")
        top[j] = max(top.get(j, 0), int(n))
    check(all(back[u] == renumbered[u] for u in renumbered) and
          all(int(back[u].split("-")[1]) > top.get(back[u].split("-")[0], 0) for u in left),
          "back in the selection, they get codes after the highest, and no other code moves")
    # a mistyped --corpus: an error, and no directory made
    r = subprocess.run([zc, "renumber", "--corpus", work + "/no-such-corpus", "--map", work + "/x.csv"],
                       capture_output=True, text=True)
    check(r.returncode == 1 and "no corpus in" in r.stderr and not os.path.exists(work + "/no-such-corpus"),
          "renumber on a mistyped --corpus: exit 1, nothing made: " + r.stderr.strip()[:80])
    print("%d failed" % len(fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
