#!/usr/bin/env python3
"""Full disk: the corpus and its archive on a tiny filesystem that runs out of space mid-crawl.

usage: fulldisk.py ZHENGCE WORKDIR    (needs root to mount a tmpfs; exits 77 = skipped otherwise)

The crawl must stop with a message that says the disk is full and a non-zero exit; the corpus
must stay readable and consistent (`zhengce check`); moved to a filesystem with room, the next
crawl resumes and the corpus ends equal to the truth.
"""
import csv
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MIRROR_PY = os.path.join(os.path.dirname(HERE), "mirror", "mirror.py")
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror  # noqa: E402
fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        fails.append(what)


def main():
    zc, work = sys.argv[1], sys.argv[2]
    small = work + "/small"
    subprocess.run(["umount", small], stderr=subprocess.DEVNULL)
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(small)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small], capture_output=True, text=True)
    if m.returncode != 0:
        print("SKIP: cannot mount a tmpfs here (%s)" % m.stderr.strip())
        sys.exit(77)
    mirror = work + "/mirror"
    subprocess.run([sys.executable, MIRROR_PY, "generate", "--out", mirror], check=True, stdout=subprocess.DEVNULL)
    srv = Mirror(mirror)
    try:
        def crawl(corpus):
            return subprocess.run(srv.crawl_cmd(zc, corpus), capture_output=True, text=True, timeout=600)

        r = crawl(small + "/corpus")
        print(r.stdout + r.stderr)
        check(r.returncode == 1, "the crawl on a full 3 MB filesystem exits 1")
        check("no space left" in r.stderr and "resume" in r.stderr, "it says the disk is full and that a later run resumes")
        ck = subprocess.run([zc, "check", "--corpus", small + "/corpus"], capture_output=True, text=True)
        print(ck.stdout + ck.stderr)
        check(ck.returncode == 0, "the corpus on the full disk is readable and consistent: " + ck.stdout.strip())
        big = work + "/big"
        shutil.copytree(small + "/corpus", big)
        subprocess.run(["umount", small])
        r = crawl(big)
        print(r.stdout + r.stderr)
        check(r.returncode == 0 and r.stdout.startswith("resumed"), "moved to a disk with room, the crawl resumes and completes")
        ex = subprocess.run([zc, "export", "--all", "--format", "jsonl", "--corpus", big], capture_output=True, text=True)
        open(work + "/all.jsonl", "w").write(ex.stdout)
        cmp = subprocess.run([sys.executable, os.path.join(HERE, "compare_truth.py"), mirror + "/truth.jsonl",
                              work + "/all.jsonl", "--strict-decisions"], capture_output=True, text=True)
        check(cmp.returncode == 0, "the resumed corpus equals the truth")
        # nothing was selected on the full disk: the codes are those of an uninterrupted crawl,
        # which are the generator's (tests/integration/signals.py)
        got = sorted((json.loads(l)["url"], json.loads(l).get("code")) for l in ex.stdout.splitlines()
                     if json.loads(l)["decision"] == "included")
        want = sorted((t["url"], t["file_code"]) for t in map(json.loads, open(mirror + "/truth.jsonl"))
                      if t.get("decision") == "included")
        check(got == want, "after the full disk, resumed with space: the %d file codes are the generator's" % len(want))

        # an export that runs out of room fails, says so, and leaves the file an earlier export
        # wrote where it was, whole; with room it replaces it
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small], check=True)
        for fmt in ("csv", "xlsx"):
            out = small + "/corpus." + fmt
            earlier = b"an earlier export\n"
            open(out, "wb").write(earlier)
            ex = subprocess.run([zc, "export", "--format", fmt, "--corpus", big, "-o", out], capture_output=True, text=True)
            print(ex.stderr.strip())
            check(ex.returncode == 1 and "cannot write" in ex.stderr and "as it was" in ex.stderr and
                  ("no space left" in ex.stderr or fmt == "xlsx"),
                  "%s export to a full 64 KB filesystem exits 1, says %sthe file there is as it was" %
                  (fmt, "the disk is full and " if fmt == "csv" else ""))
            check(open(out, "rb").read() == earlier and os.listdir(small) == ["corpus." + fmt],
                  "%s: the earlier file is untouched and no part of the new one is left" % fmt)
            os.remove(out)
        subprocess.run(["umount", small])
        out = work + "/corpus.csv"
        open(out, "w").write("an earlier export\n")
        ex = subprocess.run([zc, "export", "--corpus", big, "-o", out], capture_output=True, text=True)
        rows = list(csv.reader(open(out, encoding="utf-8-sig")))
        check(ex.returncode == 0 and len(rows) == 1 + 609 and [f for f in os.listdir(work) if ".part-" in f] == [],
              "with room, the export replaces it: %d rows of documents" % (len(rows) - 1))

        # the database alone fills the disk (the archive elsewhere): LMDB reports a commit cut short
        # as EIO, and the message names data.mdb, the errno and the room left; nothing is selected,
        # and resumed with room the codes are the generator's
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small], check=True)
        os.makedirs(small + "/db")
        os.makedirs(work + "/archive")
        os.symlink(work + "/archive", small + "/db/warc")
        r = crawl(small + "/db")
        print(r.stdout + r.stderr)
        check(r.returncode == 1 and "cannot write " + small + "/db/corpus/data.mdb: " in r.stderr and "(errno " in r.stderr
              and " 0 KB free on its filesystem" in r.stderr and "nothing selected" in r.stderr and "selected:" not in r.stdout,
              "the database fills the disk: exit 1, data.mdb, the errno and the room left named, nothing selected")
        big2 = work + "/big2"
        shutil.copytree(small + "/db", big2, symlinks=True)
        subprocess.run(["umount", small])
        r = crawl(big2)
        ex = subprocess.run([zc, "export", "--format", "jsonl", "--corpus", big2], capture_output=True, text=True)
        got = sorted((x["url"], x["code"]) for x in map(json.loads, ex.stdout.splitlines()))
        check(r.returncode == 0 and got == want, "resumed with room: the %d file codes are the generator's" % len(got))
    finally:
        srv.stop()
        subprocess.run(["umount", small], stderr=subprocess.DEVNULL)
    print("%d passed, %d failed" % (12 - len(fails), len(fails)))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
