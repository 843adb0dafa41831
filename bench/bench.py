#!/usr/bin/env python3
"""scripts/bench: zhengce against named references, measured in the same run, as ratios.

usage: bench.py BUILD WORK [--full] [--only GROUP,...] [--runs N] [--scale K] [--big B] [--frontier N]
                [--write-docs FILE]

The default run is short (a few minutes on 2 cores); --full adds the runs at scale.  Every run
appends its rows to bench/history.csv (date, commit, machine, then the table's columns);
--write-docs FILE also writes the table into FILE between its two marker lines.  --only runs the
named groups of rows alone (the names below), to measure one change; their rows go to the history
as any run's.

Each group of rows is one function below (measure_*), listed in SHORT or FULL_ONLY in the order
the table shows them; a new row is a new function added to one of the lists.

  parse          zhengce parse + extraction over every mirror article page vs xmllint --html --noout
  parse_linear   parse CPU per MB of a 5 MB page vs a 50 KB page of the same kind (a long 文号 cell,
                 a long body with attachment lines, many links, many attributes); the two take
                 turns, five rounds at least, the ratio the median of the rounds' ratios
  answer_linear  CPU per link of an answer of 100,000 links vs one of 10,000, for every answer
                 format, every tenth link a repeat (bench_answer); the two take turns, five rounds
                 at least, and the ratio is the median of the rounds' ratios (with the range)
  crawl          unthrottled crawl of the mirror: pages per CPU second and peak RSS of zhengce vs
                 wget2 and a minimal Scrapy spider fetching the same article URLs from the same mirror;
                 bench_fetch fetches them too with libcurl as zhengce schedules them and keeps
                 nothing: the fetch alone, and with zhengce's parse the ceiling of its pipeline
  import         zhengce import of a WARC file (a gzip member per record) holding the mirror's article
                 pages IMPORT_COPIES times over vs the bare parse (bench_parse) of the same pages:
                 what reading WARC, storing, indexing and selecting add to the parse
  recrawl        an unchanged re-crawl (incremental) vs the first crawl: requests, article bodies
  polite         wall time of a polite crawl vs the politeness bound (polite_bound: the busiest host's
                 requests x delay, plus the server's time on its answers and the delay to reach it)
 --full:
  scale          peak RSS of a crawl at scale 1 vs scale K (100); the corpus against truth.jsonl
  frontier       a million-URL frontier vs a 10,000-URL one (bench_frontier)
  corpus_ops     keyword queries and export of the scale-B corpus (about 100,000 documents) vs a
                 bare LMDB scan (mdb_dump) of the same table, in CPU seconds
Medians of --runs runs where a run is cheap; the unthrottled crawls of zhengce, wget2, bench_fetch and Scrapy
take turns round by round, and their ratios are medians of the rounds' ratios (with the range).
All figures from this machine, this invocation.
Mirrors are generated into WORK once per version of the generator (WORK/mirror-K/.generator).
"""
import argparse
import csv
import gzip
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIRROR_PY = os.path.join(ROOT, "tests", "mirror", "mirror.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "mirror"))
from render import quote_path  # noqa: E402
from harness import Mirror, run_measured  # noqa: E402


PARSE_ROUNDS = 10
# every run appends its rows here; scripts/bench --write-docs writes its table in
# docs/PERFORMANCE.md between these two lines
HISTORY = os.path.join(ROOT, "bench", "history.csv")
HISTORY_FIELDS = ("date", "commit", "machine", "row", "zhengce", "reference", "reference_is", "ratio", "target", "met")
TABLE_BEGIN = "<!-- scripts/bench --write-docs writes the table from here -->"
TABLE_END = "<!-- to here -->"


def git_commit():
    """The commit measured, with -dirty when the tree differs from it (the files the bench
    writes aside)"""
    def git(*args):
        return subprocess.run(["git", "-C", ROOT] + list(args), capture_output=True, text=True)
    head = git("rev-parse", "--short", "HEAD")
    if head.returncode != 0:
        return ""
    dirty = git("diff", "--quiet", "HEAD", "--", ".", ":!docs/PERFORMANCE.md", ":!bench/history.csv").returncode != 0
    return head.stdout.strip() + ("-dirty" if dirty else "")


NOT_GENERATOR = {"serve.py", "harness.py", "check_truth.py", "test_mirror.py"}


def generate(out, scale):
    """Generates the mirror, or keeps the one generated before by the same generator code
    (returns False then): every module of tests/mirror but those that only serve, test or
    check a tree."""
    h = hashlib.sha1()
    mdir = os.path.dirname(MIRROR_PY)
    for name in sorted(os.listdir(mdir)):
        if name.endswith(".py") and name not in NOT_GENERATOR:
            h.update(open(os.path.join(mdir, name), "rb").read())
    stamp = out + "/.generator"
    if os.path.exists(out + "/truth.jsonl") and os.path.exists(stamp) and open(stamp).read() == h.hexdigest():
        return False
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, MIRROR_PY, "generate", "--out", out, "--scale", str(scale)], check=True,
                   stdout=subprocess.DEVNULL)
    with open(stamp, "w") as f:
        f.write(h.hexdigest())
    return True


def included_vs_truth(zc, corpus, mirror, out):
    """(included in truth.jsonl, of those in the corpus, in the corpus but not in truth)"""
    subprocess.run([zc, "export", "--format", "jsonl", "--corpus", corpus, "-o", out], check=True,
                   stdout=subprocess.DEVNULL)
    want = {json.loads(l)["url"] for l in open(mirror + "/truth.jsonl", encoding="utf-8") if '"decision": "included"' in l}
    got = {json.loads(l)["url"] for l in open(out, encoding="utf-8")}
    os.remove(out)
    return len(want), len(want & got), len(got - want)


def processor():
    """The processor, as /proc/cpuinfo names it, with its family and model: the ratios against
    the references move with it (docs/PERFORMANCE.md), so the table says which it was."""
    info = {}
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8", errors="replace"):
            k, _, v = line.partition(":")
            info.setdefault(k.strip(), v.strip())
    except OSError:
        return platform.machine()
    name = info.get("model name", platform.machine())
    if "cpu family" in info and "model" in info:
        name += " (family %s, model %s)" % (info["cpu family"], info["model"])
    return name


class Bench:
    """One run: its arguments, its rows, and what one group of rows measures for a later one
    (the scale-1 crawl's figures, the mirror serving it)."""

    def __init__(self, a):
        self.a = a
        self.zc = os.path.join(a.build, "zhengce")
        self.tool = lambda name: os.path.join(a.build, "bench", name)
        self.rows = []
        self.short = []  # rows met by the median of their rounds but not in each round
        self.notes = []  # lines printed under the table
        self.crawl1 = None  # the scale-1 crawl: wall, CPU, RSS, heap, requests (measure_crawl)
        self._mirror = None
        self.m1 = a.work + "/mirror-1"
        generate(self.m1, 1)
        self.truth = [json.loads(l) for l in open(self.m1 + "/truth.jsonl") if '"disallowed"' not in l]
        self.sites = {s["host"]: s for s in json.load(open(self.m1 + "/sites.json"))["sites"]}

    def row(self, what, ours, ref, refname, ratio, target, ok, held=None):
        """held: (rounds in which the target held, rounds), for a target judged by a median"""
        self.rows.append((what, ours, ref, refname, ratio, target, ok))
        if held and ok.startswith("yes") and held[0] < held[1]:
            self.short.append("%s %s (%d of %d rounds)" % (what, target, held[0], held[1]))
        print("%-38s %-24s %-22s %-30s %-10s %-10s %s" % (what, ours, ref, refname, ratio, target, ok), flush=True)

    def mirror(self):
        """the scale-1 mirror's server, started on first use"""
        if self._mirror is None:
            self._mirror = Mirror(self.m1, log=self.a.work + "/m1.log")
        return self._mirror

    def log_lines(self):
        m = self.mirror()
        return sum(1 for _ in open(m.log)) if os.path.exists(m.log) else 0

    def stop(self):
        if self._mirror is not None:
            self._mirror.stop()
            self._mirror = None

    def first_crawl(self):
        """the scale-1 crawl's figures; measure_crawl's, or one crawl made now"""
        if self.crawl1 is None:
            corpus = self.a.work + "/corpus-1"
            shutil.rmtree(corpus, ignore_errors=True)
            before = self.log_lines()
            w, cpu, rss, anon, r = run_measured(self.mirror().crawl_cmd(self.zc, corpus))
            if r.returncode != 0:
                sys.exit("bench: the scale-1 crawl failed:\n%s" % r.stderr)
            self.crawl1 = (w, cpu, rss, anon, self.log_lines() - before)
        return self.crawl1


def median_cpu(cmd, runs, wall=False):
    """the median CPU seconds of runs runs of cmd (which must succeed); with wall, and the
    median wall time"""
    v, ws = [], []
    for _ in range(runs):
        w, cpu, *_, r = run_measured(cmd)
        if r.returncode != 0:
            sys.exit("bench: %s failed (exit %d):\n%s" % (" ".join(cmd[:3]), r.returncode, r.stderr[-2000:]))
        v.append(cpu)
        ws.append(w)
    return (statistics.median(v), statistics.median(ws)) if wall else statistics.median(v)


# -- parse ---------------------------------------------------------------------------------------
def measure_parse(b):
    a = b.a
    lst = a.work + "/pages.tsv"
    files = []
    with open(lst, "w") as f:
        for t in b.truth:
            host = t["site"]
            path = t["url"].split(host, 1)[1]
            fp = os.path.join(b.m1, "www", host, quote_path(path))
            s = b.sites[host]
            ct = "text/html; charset=utf-8" if s.get("header_lies") or (s["charset"] == "utf-8" and s.get("declare", True)) else "text/html"
            f.write("%s\t%s\t%s\n" % (fp, t["url"], ct))
            files.append(fp)
    # every page PARSE_ROUNDS times in one process each: one pass over the pages is a tenth of a
    # second, too short for the CPU clock's 10 ms ticks and the start of the process
    mb = sum(os.path.getsize(p) for p in files) / 1e6 * PARSE_ROUNDS
    ours, ref = [], []
    for _ in range(a.runs):
        w, cpu, *_ = run_measured([b.tool("bench_parse"), lst, str(PARSE_ROUNDS)])
        ours.append(cpu)
        w, cpu, *_ = run_measured(["xmllint", "--html", "--noout", "--nowarning", "--recover"] + files * PARSE_ROUNDS)
        ref.append(cpu)
    o, r = statistics.median(ours), statistics.median(ref)
    b.page_parse = o / PARSE_ROUNDS / len(files)  # zhengce's CPU for one page, for the ceiling row
    b.row("parse + extraction (%d pages x %d)" % (len(files), PARSE_ROUNDS), "%.1f MB/s" % (mb / o), "%.1f MB/s" % (mb / r),
          "xmllint --html --noout", "%.2fx" % (r / o), ">= 0.5x", "yes" if r / o >= 0.5 else "NO")


# -- parse cost against page size -----------------------------------------------------------------
PAGE_HEAD = ('<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="关于推进医联体建设的通知">'
             '</head><body>')
# pages of four kinds, each of n parts: a 文号 cell of n numbers; a text of n paragraphs with dates,
# attachment lines and numbered lines (the list of attachments is looked for from each); n links;
# n elements of six attributes each.  The CPU per byte must not grow with the page (issue 41: no
# cost may grow faster than its input).
PAGE_KINDS = {
    "a long 文号 cell": lambda n: PAGE_HEAD + '<table><tr><td>标题</td><td>关于推进医联体建设的通知</td></tr><tr><td>文　　号</td><td>'
    + "".join("浙卫发〔20%02d〕%d号 " % (i % 30, i) for i in range(n))
    + '</td></tr><tr><td>成文日期</td><td>2020年1月2日</td></tr></table><div id="zoom"><p>推进医疗资源下沉。</p></div></body></html>',
    "a long body": lambda n: PAGE_HEAD + '<h1>关于推进医联体建设的通知</h1><div id="zoom">'
    + "".join("<p>第%d条　推进医疗资源下沉，建设紧密型县域医共体，2020年1月%d日起施行。</p>"
              "<p>附件：%d．医联体建设方案</p><p>%d．医共体管理办法</p>" % (i, i % 28 + 1, i, i) for i in range(n))
    + "<p>浙江省卫生健康委员会</p><p>2020年1月2日</p></div></body></html>",
    "many links": lambda n: PAGE_HEAD + '<h1>关于推进医联体建设的通知</h1><div id="zoom"><p>推进医疗资源下沉。</p>'
    + "".join('<a href="/art/2020/1/%d/art_%d.html">链接%d</a> ' % (i % 28 + 1, i, i) for i in range(n)) + "</div></body></html>",
    "many attributes": lambda n: PAGE_HEAD + '<h1>关于推进医联体建设的通知</h1><div id="zoom">'
    + "".join('<span class="c%d" id="s%d" style="font-size:16px" data-a="%d" data-b="x" title="t%d" lang="zh">医疗</span>'
              % (i % 7, i, i, i) for i in range(n)) + "</div></body></html>",
}


def sized_page(kind, size):
    """the page of kind with the fewest parts that is size bytes or more"""
    f = PAGE_KINDS[kind]
    n = 1
    while len(f(n).encode()) < size:
        n = max(n + 1, int(n * size / len(f(n).encode())))
    return f(n)


def measure_parse_linear(b):
    """the two sizes take turns, round by round, as the answer rows do; the ratios are the
    medians of the rounds' ratios"""
    a = b.a
    small, big = 50_000, 5_000_000
    for i, kind in enumerate(PAGE_KINDS):
        cmds = {}
        for size in (small, big):
            fp = os.path.join(a.work, "page-%d-%d.html" % (i, size))
            with open(fp, "w", encoding="utf-8") as f:
                f.write(sized_page(kind, size))
            with open(fp + ".tsv", "w") as f:
                f.write("%s\thttps://wsjkw.zj.gov.cn/art/2020/1/1/art_1229_%d.html\ttext/html; charset=utf-8\n" % (fp, i))
            rounds = big // size  # as many bytes parsed at each size
            mb = os.path.getsize(fp) * rounds / 1e6
            cmds[size] = (mb, [b.tool("bench_parse"), fp + ".tsv", str(rounds)],
                          ["xmllint", "--html", "--noout", "--nowarning", "--recover"] + [fp] * rounds)
        per = {small: ([], []), big: ([], [])}
        for _ in range(max(a.runs, 5)):
            for size in (small, big):
                mb, ours, ref = cmds[size]
                per[size][0].append(median_cpu(ours, 1) / mb)
                per[size][1].append(median_cpu(ref, 1) / mb)
        ratios = [y / x for x, y in zip(per[small][0], per[big][0])]
        ratio = statistics.median(ratios)
        lib = statistics.median([y / x for x, y in zip(per[small][1], per[big][1])])
        b.row("parse per MB, 5 MB page: %s" % kind, "%.1f ms/MB" % (statistics.median(per[big][0]) * 1e3),
              "%.1f ms/MB" % (statistics.median(per[small][0]) * 1e3), "50 KB page (xmllint: %.2fx)" % lib,
              "%.2fx (%.2f-%.2f)" % (ratio, min(ratios), max(ratios)), "<= 1.5x", "yes" if ratio <= 1.5 else "NO")


# -- answers: CPU per link against the answer's size ----------------------------------------------
def answer_links(n):
    """n article links, every tenth a repeat of one before it (a result listed twice)"""
    return ["https://wsjkw.zj.gov.cn/art/2020/%d/%d/art_1229_%d.html" % (j % 12 + 1, j % 28 + 1, j)
            for j in (i if i % 10 else i // 2 for i in range(n))]


def answer(kind, n):
    """an answer of the format kind with n links: (its text, the XPath of html-list's links)"""
    from urllib.parse import quote
    ls = answer_links(n)
    day = lambda i: "2020-01-%02d" % (i % 28 + 1)
    if kind == "govcn-json":
        return json.dumps({"searchVO": {"totalCount": n, "listVO": [
            {"url": u, "title": "关于医联体的通知", "pubtimeStr": day(i).replace("-", ".")} for i, u in enumerate(ls)]}},
            ensure_ascii=False), None
    if kind == "hanweb-json":
        return json.dumps({"total": n, "result": [
            '<div class="jcse-result-box"><a href="https://www.zj.gov.cn/jsearchfront/visit/link.do?url=%s&q=x">'
            '关于医联体的通知</a><span>%s</span></div>' % (quote(u, safe=""), day(i)) for i, u in enumerate(ls)]},
            ensure_ascii=False), None
    if kind == "trs-was5":
        return json.dumps({"count": n, "docs": [{"url": u, "title": "关于医联体的通知", "pubtime": day(i)}
                                                for i, u in enumerate(ls)]}, ensure_ascii=False), None
    if kind == "jpage-xml":
        return ('<?xml version="1.0" encoding="UTF-8"?><datastore><recordset>'
                + "".join('<record><![CDATA[<li><a href="%s">关于医联体的通知</a><span>%s</span></li>]]></record>\n' % (u, day(i))
                          for i, u in enumerate(ls))
                + "</recordset><totalrecord>%d</totalrecord></datastore>" % n), None
    if kind == "html-list":
        return ('<html><body><ul class="list">'
                + "".join('<li><a href="%s">关于医联体的通知</a><span>%s</span></li>' % (u, day(i)) for i, u in enumerate(ls))
                + "</ul></body></html>"), "//ul[@class='list']/li/a/@href"
    # html-list, every link in one cell: one parent for all
    return ('<html><body><table><tr><td class="list">'
            + "".join('<a href="%s">关于医联体的通知</a> %s<br>' % (u, day(i)) for i, u in enumerate(ls))
            + "</td></tr></table></body></html>"), "//td[@class='list']/a/@href"


ANSWER_KINDS = ("govcn-json", "hanweb-json", "trs-was5", "jpage-xml", "html-list", "html-list, one cell")


def measure_answer_linear(b):
    """the two sizes take turns, round by round, and the ratio is the median of the rounds'
    ratios: timed one after the other, the machine's drift (the same run varies by half here)
    read as a cost of the size"""
    a = b.a
    small, big = 10_000, 100_000
    for i, kind in enumerate(ANSWER_KINDS):
        cmds = {}
        for n in (small, big):
            text, items = answer(kind, n)
            fp = os.path.join(a.work, "answer-%d-%d" % (i, n))
            with open(fp, "w", encoding="utf-8") as f:
                f.write(text)
            cmds[n] = [b.tool("bench_answer"), kind.split(",")[0], fp, "https://wsjkw.zj.gov.cn/col/col1229/index.html",
                       str(big // n)] + ([items] if items else [])
        per = {small: [], big: []}
        for _ in range(max(a.runs, 5)):
            for n in (small, big):
                r = subprocess.run(cmds[n], capture_output=True, text=True)
                if r.returncode != 0:
                    sys.exit("bench: bench_answer %s failed: %s" % (kind, r.stderr))
                links, cpu = r.stdout.split()
                want = len(set(answer_links(n)))
                if int(links) != want:
                    sys.exit("bench: bench_answer found %s links in the %s answer of %d, not %d" % (links, kind, n, want))
                per[n].append(float(cpu) / (big // n) / n)
        ratios = [y / x for x, y in zip(per[small], per[big])]
        ratio = statistics.median(ratios)
        b.row("answer of %dk links: %s" % (big // 1000, kind), "%.2f us/link" % (statistics.median(per[big]) * 1e6),
              "%.2f us/link" % (statistics.median(per[small]) * 1e6), "answer of %dk links" % (small // 1000),
              "%.2fx (%.2f-%.2f)" % (ratio, min(ratios), max(ratios)), "<= 1.5x", "yes" if ratio <= 1.5 else "NO")


# -- crawl, unthrottled -----------------------------------------------------------------------------
def measure_crawl(b):
    a = b.a
    m = b.mirror()
    corpus = a.work + "/corpus-1"
    # the same URLs zhengce fetched, https:// ones over TLS as zhengce reads them: the references
    # use the mirror as their proxy; Scrapy tunnels through its HTTP port (CONNECT, which the
    # mirror ends in TLS), wget2 speaks TLS to its TLS port and asks for the absolute URL
    urls = a.work + "/urls.txt"
    with open(urls, "w") as f:
        for t in b.truth:
            f.write(t["url"] + "\n")
    proxy = "http://127.0.0.1:%d" % m.http
    env = dict(os.environ, http_proxy=proxy, HTTP_PROXY=proxy, https_proxy=proxy, HTTPS_PROXY=proxy)
    # wget2 saves its pages (some 4,500 files and directories a round) on tmpfs where there is
    # one: on ext4 as mounted here, inodes freed in the last minutes are not reused, and
    # creating files then costs a search past them (recently_deleted()); wget2 took 0.6 to
    # 1.25 CPU s instead of 0.4 after a deletion of its own pages or of any others in the
    # minutes before (docs/PERFORMANCE.md), which no order of the bench's own steps avoids
    save_in = "/dev/shm" if os.path.isdir("/dev/shm") else a.work
    b.notes.append("wget2 saved its pages %s." % (
        "on tmpfs (/dev/shm), where deletions do not slow the creation of files as they do on this disk"
        if save_in == "/dev/shm" else
        "in the bench's work directory (no /dev/shm here), where the deletions of the minutes before "
        "may slow the creation of its files"))
    # the four programs take turns, round after round: a shared machine's speed drifts over
    # minutes, and a ratio of runs made side by side drifts far less than a ratio of medians
    # taken minutes apart; each ratio below is the median of the rounds' ratios
    zc_runs, wget_runs, scrapy_runs, fetch_runs = [], [], [], []
    for _ in range(a.runs):
        shutil.rmtree(corpus, ignore_errors=True)
        before = b.log_lines()
        w1, cpu1, rss1, anon1, r = run_measured(m.crawl_cmd(b.zc, corpus))
        if r.returncode != 0:
            sys.exit("bench: the scale-1 crawl failed:\n%s" % r.stderr)
        zc_runs.append((w1, cpu1, rss1, anon1, b.log_lines() - before))
        dl = tempfile.mkdtemp(prefix="zhengce-bench-wget2-", dir=save_in)
        ww, wcpu, *_ = run_measured(["wget2", "--input-file", urls, "--no-robots", "-q", "-P", dl,
                                     "--http-proxy", "127.0.0.1:%d" % m.http, "--https-proxy", "127.0.0.1:%d" % m.tls,
                                     "--ca-certificate", b.m1 + "/tls/ca.pem", "--tries", "2"], env=env)
        wget_pages = sum(len(fs) for _, _, fs in os.walk(dl))
        shutil.rmtree(dl)
        if not wget_pages:
            sys.exit("bench: wget2 fetched nothing")
        wget_runs.append((ww, wcpu, wget_pages))
        fw, fcpu, *_, r = run_measured([b.tool("bench_fetch"), urls, str(m.http), str(m.tls), b.m1 + "/tls/ca.pem"])
        if r.returncode != 0 or not r.stdout.strip():
            sys.exit("bench: bench_fetch failed (exit %d):\n%s" % (r.returncode, r.stderr[-2000:]))
        fetch_runs.append((fw, fcpu, int(r.stdout.split()[0])))
        sw, scpu, srss, _, r = run_measured(
            ["scrapy", "runspider", os.path.join(ROOT, "bench", "spider.py"), "-a", "urls=" + urls, "-o",
             a.work + "/scrapy.jsonl:jsonlines", "-s", "LOG_LEVEL=ERROR"], env=env, cwd=a.work)
        scrapy_pages = sum(1 for _ in open(a.work + "/scrapy.jsonl")) if os.path.exists(a.work + "/scrapy.jsonl") else 0
        if os.path.exists(a.work + "/scrapy.jsonl"):
            os.remove(a.work + "/scrapy.jsonl")
        if not scrapy_pages:
            sys.exit("bench: the Scrapy spider fetched nothing (exit %d):\n%s" % (r.returncode, r.stderr[-2000:]))
        scrapy_runs.append((sw, scpu, srss, scrapy_pages))
    # each round as measured, for a reader who wants to see which crawler moved in a round
    with open(a.work + "/rounds.tsv", "w") as f:
        f.write("round\tzhengce_req\tzhengce_cpu_s\tzhengce_rss_mb\twget2_pages\twget2_cpu_s"
                "\tscrapy_pages\tscrapy_cpu_s\tscrapy_rss_mb\tfetch_req\tfetch_cpu_s\n")
        for i, (z, w, sc, fe) in enumerate(zip(zc_runs, wget_runs, scrapy_runs, fetch_runs), 1):
            f.write("%d\t%d\t%.3f\t%.2f\t%d\t%.3f\t%d\t%.3f\t%.2f\t%d\t%.3f\n"
                    % (i, z[4], z[1], z[2], w[2], w[1], sc[3], sc[1], sc[2], fe[2], fe[1]))
    med = lambda rs, i: statistics.median(x[i] for x in rs)
    b.crawl1 = tuple(med(zc_runs, i) for i in range(5))
    w1, cpu1, rss1, anon1, reqs1 = b.crawl1
    ww, wcpu, wget_pages = (med(wget_runs, i) for i in range(3))
    sw, scpu, srss, scrapy_pages = (med(scrapy_runs, i) for i in range(4))
    _, fcpu, fetch_reqs = (med(fetch_runs, i) for i in range(3))
    zc_pps = reqs1 / cpu1
    wget_pps = wget_pages / wcpu

    def paired(f):
        """the median of the rounds' ratios, their range, and the ratios"""
        v = [f(z, w, s, fe) for z, w, s, fe in zip(zc_runs, wget_runs, scrapy_runs, fetch_runs)]
        return statistics.median(v), min(v), max(v), v

    def shown(p, fmt="%.2f"):
        return (fmt + "x") % p[0] if len(zc_runs) < 2 else (fmt + "x (" + fmt + "-" + fmt + ")") % p[:3]

    def verdict(p, good):
        """met or not by the median, and in how many rounds it held (row's ok and held): a
        median met with a round under the line reads so"""
        ok = "yes" if good(p[0]) else "NO"
        if len(p[3]) < 2:
            return ok, None
        held = (sum(map(good, p[3])), len(p[3]))
        return "%s, %d of %d rounds" % ((ok,) + held), held

    r_wget = paired(lambda z, w, s, fe: (z[4] / z[1]) / (w[2] / w[1]))
    b.row("crawl: zhengce pages per CPU second", "%.0f req/CPU-s" % zc_pps, "%.0f req/CPU-s" % wget_pps,
          "wget2 (%d pages)" % wget_pages, shown(r_wget), "-", "-")
    # bench_fetch does the fetch of the crawl (libcurl, the crawl's schedule) and keeps nothing;
    # with zhengce's parse and extraction of each page (the parse row) added, it is the most a
    # crawl could do per CPU second if searching, selecting, storing and archiving cost nothing
    r_fetch = paired(lambda z, w, s, fe: (fe[2] / fe[1]) / (w[2] / w[1]))
    b.row("fetch alone: libcurl, nothing kept", "%.0f req/CPU-s" % (fetch_reqs / fcpu), "%.0f req/CPU-s" % wget_pps,
          "wget2 (fetch and save)", shown(r_fetch), "-", "-")
    page_parse = getattr(b, "page_parse", None)
    if page_parse is not None:
        ceiling = lambda cpu, reqs: 1.0 / (cpu / reqs + page_parse)
        r_ceiling = paired(lambda z, w, s, fe: ceiling(fe[1], fe[2]) / (w[2] / w[1]))
        b.row("ceiling: that fetch + zhengce's parse", "%.0f req/CPU-s" % ceiling(fcpu, fetch_reqs),
              "%.0f req/CPU-s" % wget_pps, "wget2 (fetch and save)", shown(r_ceiling), "-", "-")
    r_scrapy = paired(lambda z, w, s, fe: (z[4] / z[1]) / (s[3] / s[1]))
    b.row("crawl: zhengce pages per CPU second", "%.0f req/CPU-s" % zc_pps, "%.0f req/CPU-s" % (scrapy_pages / scpu),
          "Scrapy spider (%d pages)" % scrapy_pages, shown(r_scrapy), ">= 10x", *verdict(r_scrapy, lambda x: x >= 10))
    r_rss = paired(lambda z, w, s, fe: z[2] / s[2])
    b.row("crawl: peak RSS", "%.1f MB" % rss1, "%.1f MB" % srss, "Scrapy spider", shown(r_rss, "%.3f"), "<= 0.25x",
          *verdict(r_rss, lambda x: x <= 0.25))
    b.row("crawl: wall time, %d requests" % reqs1, "%.1f s" % w1, "%.1f s" % ww, "wget2 (articles only)", "-", "-", "-")
    b.row("mirror keeps up: req/s it served", "%.0f req/s (zhengce)" % (reqs1 / w1), "%.0f req/s" % (wget_pages / ww),
          "wget2 through it", "%.2fx" % ((reqs1 / w1) / (wget_pages / ww)), "-", "-")


# -- re-crawl of the unchanged mirror ---------------------------------------------------------------
def measure_recrawl(b):
    """the corpus of the scale-1 crawl crawled again: incremental (docs/DESIGN.md), as a weekly
    cron run makes it"""
    a = b.a
    w1, _, _, _, reqs1 = b.first_crawl()
    before = b.log_lines()
    w2, *_, r = run_measured(b.mirror().crawl_cmd(b.zc, a.work + "/corpus-1"))
    if r.returncode != 0:
        sys.exit("bench: the re-crawl failed:\n%s" % r.stderr)
    second = [l.split("\t") for l in open(b.mirror().log).read().splitlines()[before:]]
    arts = {t["url"].split("://", 1)[1] for t in b.truth}
    bodies = sum(1 for f in second if f[4] == "200" and (f[1] + f[3]) in arts)
    ratio = len(second) / reqs1
    ok = ratio <= 0.3 and bodies == 0
    b.row("re-crawl, unchanged mirror: requests", "%d req, %d bodies" % (len(second), bodies), "%d req" % reqs1,
          "first crawl (%.2fx its time)" % (w2 / w1), "%.2fx" % ratio, "<= 0.3x, 0 bodies", "yes" if ok else "NO")


# -- polite crawl on a few sites ---------------------------------------------------------------------
def polite_bound(lines, d, sites):
    """The least wall time the politeness allows (from the mirror's log of the crawl): for each
    host, its requests x the delay (one delay more than the gaps between them, as room for the
    start), plus the time the server took over its answers (the delay runs from the end of one
    answer to the next request), plus one delay when the host is reached only through another
    host's search answers (that host's robots.txt, then its delay, then the search); the
    largest over the hosts, with its parts."""
    per = {}
    for f in lines:
        n, served = per.get(f[1], (0, 0.0))
        per[f[1]] = (n + 1, served + float(f[8]) - float(f[0]))
    through = {s["host"] for s in sites.values() if s.get("search_host", s["host"]) != s["host"]}
    parts = {h: (n * d, served, d if h in through else 0.0) for h, (n, served) in per.items()}
    h = max(parts, key=lambda k: sum(parts[k]))
    return sum(parts[h]), h, per[h][0], parts[h]


def measure_polite(b):
    a = b.a
    m = b.mirror()
    subset = "www.gov.cn,www.zj.gov.cn,wjw.beijing.gov.cn,wsjk.gansu.gov.cn,www.hebei.gov.cn"
    d = 0.1
    runs = []
    for _ in range(a.runs):
        shutil.rmtree(a.work + "/corpus-polite", ignore_errors=True)
        before = b.log_lines()
        pw, *_ = run_measured(m.crawl_cmd(b.zc, a.work + "/corpus-polite", delay=d, extra=("--site", subset)))
        polite = [l.split("\t") for l in open(m.log).read().splitlines()[before:]]
        runs.append((pw,) + polite_bound(polite, d, b.sites))
    pw, bound = (statistics.median(r[i] for r in runs) for i in range(2))
    _, _, host, n, (delays, served, reach) = min(runs, key=lambda r: abs(r[1] - bound))
    b.row("polite crawl (delay %.1f s, 5 sites)" % d, "%.2f s" % pw, "%.2f s" % bound,
          "%s: %d req x delay + %.2f s answering%s" % (host, n, served, " + a delay to reach it" if reach else ""),
          "%.3fx" % (pw / bound), "<= 1.05x", "yes" if pw / bound <= 1.05 else "NO")


# -- at scale (--full) --------------------------------------------------------------------------------
def crawl_scale(b, k):
    """the scale-k mirror crawled into WORK/corpus-k, its included documents checked against
    truth.jsonl: (corpus, generation, wall, CPU, RSS, heap, requests)"""
    a = b.a
    mk = a.work + "/mirror-%d" % k
    t = time.time()
    gen = "%.1f s" % (time.time() - t) if generate(mk, k) else "reused (same generator)"
    m = Mirror(mk, log=a.work + "/mk.log")
    try:
        corpus = a.work + "/corpus-%d" % k
        shutil.rmtree(corpus, ignore_errors=True)
        before = sum(1 for _ in open(m.log)) if os.path.exists(m.log) else 0
        wk, cpuk, rssk, anonk, r = run_measured(m.crawl_cmd(b.zc, corpus))
        if r.returncode != 0:
            sys.exit("bench: the scale-%d crawl failed:\n%s" % (k, r.stderr))
        nk = sum(1 for _ in open(m.log)) - before
    finally:
        m.stop()
    want, found, extra = included_vs_truth(b.zc, corpus, mk, a.work + "/included-%d.jsonl" % k)
    b.row("scale %d corpus vs truth.jsonl" % k, "%d of %d included, %d more" % (found, want, extra), "%d" % want,
          "included in truth.jsonl", "-", "equal", "yes" if found == want and not extra else "NO")
    b.notes.append("Generation of the scale-%d mirror: %s." % (k, gen))
    return corpus, gen, wk, cpuk, rssk, anonk, nk


def measure_scale(b):
    a = b.a
    _, cpu1, rss1, anon1, reqs1 = b.first_crawl()
    corpus, gen, wk, cpuk, rssk, anonk, nk = crawl_scale(b, a.scale)
    b.row("peak RSS, scale %d (%d req) vs 1" % (a.scale, nk), "%.1f MB" % rssk, "%.1f MB" % rss1, "scale 1 crawl",
          "%.2fx" % (rssk / rss1), "<= 1.2x", "yes" if rssk / rss1 <= 1.2 else "NO")
    b.row("peak heap (RssAnon), scale %d vs 1" % a.scale, "%.1f MB" % anonk, "%.1f MB" % anon1, "scale 1 crawl",
          "%.2fx" % (anonk / anon1), "<= 1.2x", "yes" if anonk / anon1 <= 1.2 else "NO")
    b.row("crawl at scale %d: req per CPU second" % a.scale, "%.0f req/CPU-s" % (nk / cpuk), "%.0f req/CPU-s" % (reqs1 / cpu1),
          "scale 1 crawl", "%.2fx" % ((nk / cpuk) / (reqs1 / cpu1)), "-", "-")


def measure_frontier(b):
    a = b.a
    fr = []
    for n in (10000, a.frontier):
        d = a.work + "/frontier-%d" % n
        shutil.rmtree(d, ignore_errors=True)
        p = subprocess.run([b.tool("bench_frontier"), d, str(n)], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("bench: bench_frontier %d failed: %s" % (n, p.stderr))
        fr.append([float(x) for x in p.stdout.split()])
        shutil.rmtree(d, ignore_errors=True)
    (n0, f0, d0, _, r0), (n1, f1, d1, _, r1) = fr
    b.row("frontier of %d URLs: peak RSS" % n1, "%.1f MB" % (r1 / 1024), "%.1f MB" % (r0 / 1024), "%d URLs" % n0,
          "%.2fx" % (r1 / r0), "flat", "yes" if r1 / r0 <= 1.2 else "NO")
    b.row("frontier of %d URLs: push, pop" % n1, "%.0f, %.0f URL/s" % (n1 / f1, n1 / d1), "%.0f, %.0f URL/s" % (n0 / f0, n0 / d0),
          "%d URLs" % n0, "%.2fx" % ((n1 / (f1 + d1)) / (n0 / (f0 + d0))), "-", "-")


# keywords of the query rows: one in fewer than 1% of the scale-360 corpus's pages (the bench
# checks it), one in about a fifth of them
RARE_KEYWORD = "图说医疗"
COMMON_KEYWORD = "区域医疗中心"


def measure_corpus_ops(b):
    """query and export over about 100,000 documents, in CPU seconds (user + system): on a
    shared machine the wall time of a second-long run is mostly the other processes'"""
    a = b.a
    _, _, rss1, anon1, _ = b.first_crawl()
    corpus, gen_big, wb, cpub, rssb, anonb, nb = crawl_scale(b, a.big)
    b.row("peak RSS, scale %d (%d req) vs 1" % (a.big, nb), "%.1f MB" % rssb, "%.1f MB" % rss1, "scale 1 crawl",
          "%.2fx" % (rssb / rss1), "-", "-")
    b.row("peak heap (RssAnon), scale %d vs 1" % a.big, "%.1f MB" % anonb, "%.1f MB" % anon1, "scale 1 crawl",
          "%.2fx" % (anonb / anon1), "-", "-")
    db = corpus + "/corpus"
    gen_live = subprocess.run(["mdb_dump", "-p", "-s", "meta", db], capture_output=True, text=True).stdout.split()
    live = lambda t: t + ".1" if "generation" in gen_live and gen_live[gen_live.index("generation") + 1] == "1" else t
    scan, scan_wall = median_cpu(["mdb_dump", "-s", "pages", db], a.runs, wall=True)
    out = a.work + "/export"
    pages = None
    for fmt in ("jsonl", "csv"):
        ex, ex_wall = median_cpu([b.zc, "export", "--all", "--format", fmt, "--corpus", corpus, "-o", out], a.runs, wall=True)
        if pages is None:
            pages = sum(1 for _ in open(out, encoding="utf-8"))
        b.row("export %s, %d documents (CPU)" % (fmt, pages), "%.2f s (%.1f s wall)" % (ex, ex_wall),
              "%.2f s (%.1f s wall)" % (scan, scan_wall), "mdb_dump -s pages", "%.2fx" % (ex / scan), "<= 1.5x",
              "yes" if ex / scan <= 1.5 else "NO")
    q = median_cpu([b.zc, "query", "--province", "浙江", "--year", "2017", "--corpus", corpus], a.runs)
    ref = median_cpu(["mdb_dump", "-s", live("jy"), db], a.runs)
    b.row("query province+year (CPU)", "%.3f s" % q, "%.3f s" % ref, "mdb_dump -s jy", "%.2fx" % (q / ref), "-", "-")
    for kw, target in ((RARE_KEYWORD, True), (COMMON_KEYWORD, False)):
        cmd = [b.zc, "export", "--keyword", kw, "--all", "--format", "jsonl", "--corpus", corpus, "-o", out]
        qk = median_cpu(cmd, a.runs)
        found = sum(1 for _ in open(out, encoding="utf-8"))
        share = found / pages
        ok = "yes" if qk / scan <= 0.1 else "NO"
        if target and share >= 0.01:
            ok = "NO (the word is in %.1f%% of the pages, not under 1%%)" % (100 * share)
        b.row("keyword in %.2f%% of the pages (CPU)" % (100 * share), "%.3f s, %d documents" % (qk, found), "%.3f s" % scan,
              "mdb_dump -s pages (a scan)", "%.3fx" % (qk / scan), "<= 0.1x" if target else "-", ok if target else "-")
    os.remove(out)
    b.notes.append("Corpus: %.1f MB at scale 1, %.1f MB at scale %d." % (
        os.path.getsize(a.work + "/corpus-1/corpus/data.mdb") / 1e6, os.path.getsize(db + "/data.mdb") / 1e6, a.big))


# the groups of rows, in the table's order: SHORT in every run, FULL_ONLY with --full
# -- import: WARC of another writer, against the bare parse of the same pages ---------------------
IMPORT_COPIES = 10


def measure_import(b):
    """zhengce import against bench_parse over the same pages: a WARC file written here, each
    article page of the mirror IMPORT_COPIES times under its URL with ?copy=N, a gzip member per
    record as wget and Heritrix write them; import's CPU includes its selection"""
    a = b.a
    warc = os.path.join(a.work, "import.warc.gz")
    lst = os.path.join(a.work, "import-pages.tsv")
    with open(warc, "wb") as w, open(lst, "w") as l:
        for k in range(IMPORT_COPIES):
            for t in b.truth:
                host = t["site"]
                fp = os.path.join(b.m1, "www", host, quote_path(t["url"].split(host, 1)[1]))
                s = b.sites[host]
                ct = "text/html; charset=utf-8" if s.get("header_lies") or (s["charset"] == "utf-8" and s.get("declare", True)) else "text/html"
                u = "%s?copy=%d" % (t["url"], k)
                body = open(fp, "rb").read()
                block = b"HTTP/1.1 200 OK\r\nContent-Type: " + ct.encode() + b"\r\nContent-Length: " + \
                    str(len(body)).encode() + b"\r\n\r\n" + body
                head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n"
                        "WARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: application/http;msgtype=response\r\n"
                        "Content-Length: %d\r\n\r\n" % (u, hashlib.md5(u.encode()).hexdigest(), len(block))).encode()
                w.write(gzip.compress(head + block + b"\r\n\r\n", 1))
                l.write("%s\t%s\t%s\n" % (fp, u, ct))
    n = len(b.truth) * IMPORT_COPIES
    imp, parse = [], []
    for _ in range(a.runs):
        corpus = os.path.join(a.work, "import-corpus")
        shutil.rmtree(corpus, ignore_errors=True)
        w, cpu, _, _, r = run_measured([b.zc, "import", "--corpus", corpus, "--quiet", "--seeds",
                                        os.path.join(ROOT, "seeds", "sites.json"), "--profile",
                                        os.path.join(ROOT, "profiles", "reference.json"), warc])
        if r.returncode != 0 or ("added %d," % n) not in r.stdout:
            sys.exit("bench: zhengce import failed: " + r.stdout + r.stderr)
        imp.append(cpu)
        parse.append(run_measured([b.tool("bench_parse"), lst, "1"])[1])
    o, p = statistics.median(imp), statistics.median(parse)
    b.row("import WARC (%d pages)" % n, "%.0f pages/CPU-s" % (n / o), "%.0f pages/CPU-s" % (n / p),
          "bench_parse, same pages", "%.2fx" % (p / o), ">= 0.5x", "yes" if p / o >= 0.5 else "NO")


SHORT = (measure_parse, measure_parse_linear, measure_answer_linear, measure_crawl, measure_import, measure_recrawl,
         measure_polite)
FULL_ONLY = (measure_scale, measure_frontier, measure_corpus_ops)


def write_history(b, today, commit, machine):
    """the run's rows appended to bench/history.csv"""
    new = not os.path.exists(HISTORY)
    with open(HISTORY, "a", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        if new:
            w.writerow(HISTORY_FIELDS)
        for r in b.rows:
            w.writerow((today, commit, machine) + tuple(r))
    print("history: %d rows appended to %s" % (len(b.rows), os.path.relpath(HISTORY, ROOT)))


def write_docs(b, path, today, commit, cpu_name, tally):
    """the table between the two markers of path; every line the maintainers wrote around it stays"""
    a = b.a
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    at, to = old.find(TABLE_BEGIN), old.find(TABLE_END)
    if at < 0 or to < at:
        sys.exit("bench: %s has no lines %s and %s to write the table between: put them back where the "
                 "table goes (the rows are in %s)" % (path, TABLE_BEGIN, TABLE_END, os.path.relpath(HISTORY, ROOT)))
    t = ["%s run of %s at %s on %s, %d cores (%s, Python %s): medians of %d runs where a run is cheap; a crawl "
         "ratio is the median of the ratios of its %d rounds, in which zhengce, wget2, bench_fetch and Scrapy "
         "take turns, with their range in brackets, and its last column says in how many rounds the target "
         "held.\n" % ("Full" if a.full else "Short", today, commit, cpu_name, os.cpu_count(), platform.platform(),
                      platform.python_version(), a.runs, a.runs),
         "| measure | zhengce | reference | reference is | ratio | target | met |",
         "|---|---|---|---|---|---|---|"]
    t += ["| %s |" % " | ".join(r) for r in b.rows]
    t.append("\n%s.\n" % (tally[0].upper() + tally[1:]))
    t.append(" ".join(b.notes))
    with open(path, "w", encoding="utf-8") as f:
        f.write(old[:at + len(TABLE_BEGIN)] + "\n" + "\n".join(t) + "\n" + old[to:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("work")
    ap.add_argument("--full", action="store_true", help="the runs at scale too (memory, frontier, 100,000 documents)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--big", type=int, default=360, help="mirror scale of the query/export corpus (about 100,000 documents)")
    ap.add_argument("--frontier", type=int, default=1000000)
    ap.add_argument("--only", help="the groups of rows to run, by name (parse_linear,corpus_ops,...)")
    ap.add_argument("--write-docs")
    a = ap.parse_args()
    groups = SHORT + FULL_ONLY if a.only else SHORT + (FULL_ONLY if a.full else ())
    if a.only:
        names = {m.__name__[len("measure_"):]: m for m in groups}
        unknown = [n for n in a.only.split(",") if n not in names]
        if unknown:
            ap.error("no group of rows named %s (the groups: %s)" % (", ".join(unknown), ", ".join(names)))
        if a.write_docs:
            ap.error("--write-docs writes a whole run's table, not --only's rows")
        groups = tuple(m for m in groups if m.__name__[len("measure_"):] in a.only.split(","))
        a.full = any(m in FULL_ONLY for m in groups)
    a.work = os.path.abspath(a.work)
    os.makedirs(a.work, exist_ok=True)
    cpu_name = processor()
    machine = "%s, %d cores" % (cpu_name, os.cpu_count())
    today = time.strftime("%Y-%m-%d", time.gmtime())
    print("machine: %s, %d cores, %s; %s run" % (cpu_name, os.cpu_count(), platform.platform(), "full" if a.full else "short"),
          flush=True)
    b = Bench(a)
    try:
        for measure in groups:
            measure(b)
    finally:
        b.stop()
    missed = [r[0] + " " + r[5] for r in b.rows if r[6].startswith("NO")]
    tally = "rows with a target: %d met, %d not%s" % (sum(r[6].startswith("yes") for r in b.rows), len(missed),
                                                     (": " + "; ".join(missed)) if missed else "")
    if b.short:
        tally += "; met by the median, not in every round: " + "; ".join(b.short)
    print(tally)
    for n in b.notes:
        print(n)
    # the run's rows go to the history first: a doc without its markers loses no run
    commit = git_commit()
    write_history(b, today, commit, machine)
    if a.write_docs:
        write_docs(b, a.write_docs, today, commit, cpu_name, tally)


if __name__ == "__main__":
    main()
