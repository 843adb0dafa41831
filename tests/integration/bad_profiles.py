#!/usr/bin/env python3
"""A typo never changes a study silently: malformed or mistyped profiles are refused.

usage: bad_profiles.py ZHENGCE WORKDIR

A crawl of the mirror with the reference profile publishes its selection.  Then each profile
below, the reference with one mistake a person makes (a misspelt field, a date written
2015/01/01, a reversed range, an English type, an empty list, a GBK file …), is given to
`zhengce reselect` and, for some, to `zhengce crawl`: each must exit 2 and name the file, the
field and what to do, and none may select or fetch anything (the published selection, the
corpus file and the mirror's request log stay as they were).  The reference saved with a UTF-8
byte order mark (Windows Notepad) is accepted and selects what the reference does.
"""
import copy
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


REF = json.load(open(ROOT + "/profiles/reference.json"))


def edit(f):
    p = copy.deepcopy(REF)
    f(p)
    return p


def dumps(p):
    return json.dumps(p, ensure_ascii=False, indent=2).encode()


def rename(p, old, new):
    p[new] = p.pop(old)


# name, file bytes, what the message must hold besides the file (the field, what to do)
CASES = [
    ("misspelt date_range", dumps(edit(lambda p: rename(p, "date_range", "date_rnage"))),
     ['"date_rnage"', 'did you mean "date_range"']),
    ("dates with slashes", dumps(edit(lambda p: p.__setitem__("date_range", ["2015/01/01", "2024-10-31"]))),
     ['"date_range"', "2015/01/01", "YYYY-MM-DD"]),
    ("a date without leading zeros", dumps(edit(lambda p: p.__setitem__("date_range", ["2009-1-1", "2024-10-31"]))),
     ['"date_range"', "2009-1-1", "YYYY-MM-DD"]),
    ("a day not in the calendar", dumps(edit(lambda p: p.__setitem__("date_range", ["2019-02-29", "2024-10-31"]))),
     ['"date_range"', "2019-02-29", "not a day"]),
    ("a reversed range", dumps(edit(lambda p: p.__setitem__("date_range", ["2024-10-31", "2009-01-01"]))),
     ['"date_range"', "swap"]),
    ("a range of one date", dumps(edit(lambda p: p.__setitem__("date_range", ["2009-01-01"]))),
     ['"date_range"', "YYYY-MM-DD"]),
    ("an open end written null", dumps(edit(lambda p: p.__setitem__("date_range", ["2009-01-01", None]))),
     ['"date_range"', "second", "not a string"]),
    ("an English type", dumps(edit(lambda p: p.__setitem__("types", ["notice"]))),
     ['"types"', '"notice"', "did you mean 通知"]),
    ("an unknown type", dumps(edit(lambda p: p["types"].append("函"))),
     ['"types"', '"函"', "docs/PROFILE.md"]),
    ("interpretations as a type", dumps(edit(lambda p: p["types"].append("解读"))),
     ['"types"', "always excluded", "remove it"]),
    ("no types", dumps(edit(lambda p: p.__setitem__("types", []))),
     ['"types"', "empty list", "at least one"]),
    ("no topic keywords", dumps(edit(lambda p: p["topic"].__setitem__("keywords", []))),
     ['"topic.keywords"', "empty list"]),
    ("no search keywords", dumps(edit(lambda p: p.__setitem__("search_keywords", []))),
     ['"search_keywords"', "empty list"]),
    ("search keywords as one string", dumps(edit(lambda p: p.__setitem__("search_keywords", "医联体"))),
     ['"search_keywords"', "list of strings"]),
    ("an empty keyword", dumps(edit(lambda p: p["search_keywords"].append(""))),
     ['"search_keywords"', "item 12", "empty"]),
    ("a keyword with a space", dumps(edit(lambda p: p["topic"]["keywords"].append("医联体 "))),
     ['"topic.keywords"', "spaces at its ends", "remove them"]),
    ("issuers.joint, read by nothing", dumps(edit(lambda p: p["issuers"].__setitem__("joint", "any"))),
     ['"issuers.joint"', "not a profile field", "remove it"]),
    ("a misspelt topic field", dumps(edit(lambda p: rename(p["topic"], "keywords", "kewyords"))),
     ['"topic.kewyords"', 'did you mean "topic.keywords"']),
    ("keywords at the top", dumps(edit(lambda p: p.__setitem__("keywords", ["医联体"]))),
     ['"keywords"', 'did you mean "topic.keywords"']),
    ("a capitalised field", dumps(edit(lambda p: rename(p, "types", "Types"))),
     ['"Types"', 'did you mean "types"']),
    ("no issuers", dumps(edit(lambda p: p.pop("issuers"))),
     ['"issuers"', "is missing"]),
    ("issuers as numbers", dumps(edit(lambda p: p["issuers"].__setitem__("qualifying", [1, 2]))),
     ['"issuers.qualifying"', "item 1", "not a string"]),
    ("a generic word that is no keyword", dumps(edit(lambda p: p["topic"]["generic"].append("协作"))),
     ['"topic.generic"', '"协作"', "add it there or remove it"]),
    ("generic words without context", dumps(edit(lambda p: p["topic"].pop("context"))),
     ['"topic.context"', "is missing"]),
    ("an empty name", dumps(edit(lambda p: p.__setitem__("name", ""))),
     ['"name"', "non-empty string"]),
    ("a field given twice", b'{"types": ["\xe9\x80\x9a\xe7\x9f\xa5"], ' + dumps(REF)[1:],
     ['"types"', "given twice", "keep one"]),
    ("a comma too many", dumps(REF)[:-2] + b",\n}", ["line", "column", "JSON"]),
    ("a list, not an object", b"[" + dumps(REF) + b"]", ["JSON object"]),
    ("an empty file", b"", ["line 1", "JSON"]),
    ("saved as GBK", json.dumps(REF, ensure_ascii=False, indent=2).encode("gbk"),
     ["line 4", "not UTF-8", "save the file as UTF-8"]),
    ("saved as UTF-16", json.dumps(REF, ensure_ascii=False, indent=2).encode("utf-16"),
     ["UTF-16", "save it as UTF-8"]),
]


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work)
    with Mirror(mirror, log=log) as srv:
        crawl = srv.crawl_cmd(zc, corpus, delay="0.01", max_crawl_delay="0.1")
        r = subprocess.run(crawl, capture_output=True, text=True)
        check(r.returncode == 0, "a crawl with the reference profile: " + (r.stdout.strip().splitlines() or [""])[-1][:60])

        def state():
            ex = subprocess.run([zc, "export", "--all", "--format", "jsonl", "--corpus", corpus], capture_output=True)
            st = os.stat(corpus + "/corpus/data.mdb")
            return ex.stdout, st.st_mtime_ns, st.st_size
        before = state()
        requests = sum(1 for _ in open(log))
        refused = 0
        for i, (name, data, want) in enumerate(CASES):
            path = "%s/profile-%02d.json" % (work, i)
            with open(path, "wb") as f:
                f.write(data)
            cmds = [("reselect", [zc, "reselect", "--corpus", corpus, "--profile", path])]
            if i % 5 == 0:  # a crawl refuses it before any request too
                cmds.append(("crawl", crawl + ["--profile", path]))
            for what, cmd in cmds:
                r = subprocess.run(cmd, capture_output=True, text=True)
                msg = r.stderr.strip()
                ok = r.returncode == 2 and path in msg and all(w in msg for w in want) and "refused" in msg \
                    and not r.stdout and len(msg.splitlines()) == 1
                refused += ok and what == "reselect"
                check(ok, "%s, %s: exit %d: %s" % (what, name, r.returncode, msg.split("refused, ", 1)[-1][:150]
                                                   .replace(path, "FILE")))
        check(refused == len(CASES) and len(CASES) >= 20, "%d of %d malformed profiles refused with the file, the field "
              "and what to do" % (refused, len(CASES)))
        after = state()
        check(after == before and sum(1 for _ in open(log)) == requests,
              "none selected or fetched anything: the published selection, data.mdb and the mirror's log as they were")

        # what is right is not refused: a leap day, the optional fields left out
        for name, prof in (("a range from a leap day", edit(lambda p: p.__setitem__("date_range", ["2012-02-29", "2024-10-31"]))),
                           ("no name, search keywords, generic words, context or range",
                            edit(lambda p: [p.pop(k) for k in ("name", "search_keywords", "date_range")] and
                                 [p["topic"].pop(k) for k in ("generic", "context")]))):
            path = work + "/good.json"
            with open(path, "wb") as f:
                f.write(dumps(prof))
            r = subprocess.run([zc, "reselect", "--corpus", corpus, "--profile", path], capture_output=True, text=True)
            check(r.returncode == 0 and "selected:" in r.stdout, "accepted: %s: exit %d %s" % (name, r.returncode, r.stderr.strip()))

        # Windows Notepad's UTF-8 with a byte order mark: accepted, the same selection
        path = work + "/bom.json"
        with open(path, "wb") as f:
            f.write(b"\xef\xbb\xbf" + dumps(REF))
        r = subprocess.run([zc, "reselect", "--corpus", corpus, "--profile", path], capture_output=True, text=True)
        check(r.returncode == 0 and "selected: 609 included" in r.stdout and state()[0] == before[0],
              "the reference saved with a byte order mark: accepted, the same 609 documents: exit %d" % r.returncode)
    print("%d failed" % len(fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
