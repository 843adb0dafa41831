#!/usr/bin/env python3
"""The command line as researchers meet it: the wrong invocations a new user makes, each refused
with exit 2 and a one-line message naming the problem; help as git gives it.

usage: cli.py ZHENGCE WORKDIR
"""
import os
import shutil
import subprocess
import sys

fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def main():
    zc, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    nocorpus = work + "/none"

    def run(*args):
        return subprocess.run([zc, *args], capture_output=True, text=True)

    def refused(args, *words):
        """exit 2, one line on stderr, naming each of words"""
        r = run(*args)
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and len(lines) == 1 and all(w in r.stderr for w in words) and not r.stdout,
              "%s: exit %d, %r" % (" ".join(args), r.returncode, r.stderr.strip()))

    # help as git's: the command's own help
    for cmd in ("crawl", "stats", "query", "export", "entries", "why", "reselect", "renumber", "parse", "report",
                "check", "seeds"):
        h, own = run("help", cmd), run(cmd, "--help")
        check(h.returncode == 0 and h.stdout == own.stdout and ("zhengce " + cmd) in h.stdout.splitlines()[0],
              "help %s prints %s's help" % (cmd, cmd))
    check(run("help").stdout == run("--help").stdout and "commands:" in run("help").stdout, "help alone: the general help")
    refused(["querry"], "'querry'", "did you mean 'query'")
    refused(["help", "querry"], "'querry'", "did you mean 'query'")
    refused(["expotr", "--corpus", nocorpus], "'expotr'", "did you mean 'export'")
    refused(["frobnicate"], "'frobnicate'", "zhengce --help")

    # global options before the command, as after it
    for args in (["--corpus", nocorpus, "stats"], ["--corpus=" + nocorpus, "check"], ["--quiet", "--corpus", nocorpus, "query"],
                 ["--progress", "--corpus", nocorpus, "export"]):
        r = run(*args)
        check(r.returncode == 1 and ("no corpus in " + nocorpus) in r.stderr, "%s: the corpus option reaches the command (%s)"
              % (" ".join(args), r.stderr.strip()))
    r = run("--corpus", work + "/elsewhere", "stats", "--corpus", nocorpus)
    check("no corpus in " + nocorpus in r.stderr, "the command's own --corpus wins over one before it")
    refused(["--corpus"], "--corpus", "wants a value")
    refused(["--bogus", "stats"], "--bogus")

    # unexpected arguments refused by every command, naming the argument
    for args in (["stats", "extra"], ["check", "extra"], ["report", "-o", work + "/r.html", "extra"],
                 ["reselect", "narrower.json"], ["query", "浙江"], ["export", "x.csv"], ["entries", "x"],
                 ["renumber", "--map", work + "/m.csv", "x"], ["why", "33-1", "33-2"], ["parse", "a.html", "b.html"],
                 ["crawl", "x"], ["seeds", "check", "x"]):
        refused(args + ["--corpus", nocorpus] if args[0] not in ("parse", "seeds") else args, "unexpected argument",
                args[-1])
    check(not os.path.exists(work + "/r.html") and not os.path.exists(work + "/m.csv"), "nothing written by a refused command")

    # option errors: one line naming the option; a missing value said as missing
    refused(["query", "--provnce", "浙江"], "zhengce query: unknown option --provnce", "--province")
    refused(["export", "--formt=csv"], "zhengce export: unknown option --formt", "--format")
    refused(["stats", "--bogus"], "zhengce stats: unknown option --bogus")
    refused(["query", "-z"], "zhengce query: unknown option -z")
    refused(["crawl", "--delay", "abc"], "zhengce crawl: --delay wants a number, got abc")
    refused(["crawl", "--delay=abc"], "zhengce crawl: --delay wants a number, got abc")
    refused(["crawl", "--tries", "4x"], "zhengce crawl: --tries wants a number, got 4x")
    refused(["query", "--year"], "zhengce query: --year wants a value")
    refused(["export", "-o"], "zhengce export: -o wants a value")
    refused(["why", "--corpus"], "zhengce why: --corpus wants a value")
    refused(["reselect", "--profile"], "zhengce reselect: --profile wants a value")
    refused(["seeds", "check", "--site"], "zhengce seeds: --site wants a value")

    print("%d failed" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
