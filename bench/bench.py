#!/usr/bin/env python3
"""scripts/bench: zhengce against named references, measured in the same run, as ratios.

usage: bench.py BUILD WORK [--runs N] [--scale K] [--big B] [--frontier N] [--write-docs FILE]

  --write-docs FILE  append the run's rows to bench/history.csv (date, commit, machine, then the
                     table's columns) and write the table into FILE between its two marker lines

  parse      zhengce parse + extraction over every mirror article page vs xmllint --html --noout
  crawl      unthrottled crawl of the mirror: pages per CPU second and peak RSS of zhengce vs
             wget2 and a minimal Scrapy spider fetching the same article URLs from the same mirror;
             bench_fetch fetches them too with libcurl as zhengce schedules them and keeps
             nothing: the fetch alone, and with zhengce's parse the ceiling of its pipeline
  polite     wall time of a polite crawl vs the politeness bound (largest per-host count x delay)
  memory     peak RSS of a crawl at scale 1 vs scale K (100), and of a million-URL frontier
             vs a 10,000-URL one (bench_frontier); the scale-K and scale-B corpora are checked
             against their truth.jsonl (the included documents)
  recrawl    an unchanged re-crawl vs the first crawl: requests, article bodies, wall time
  export     queries and export of the scale-B corpus (about 100,000 documents) vs a bare LMDB
             scan (mdb_dump) of the same table
Medians of --runs runs where a run is cheap; the unthrottled crawls of zhengce, wget2, bench_fetch and Scrapy
take turns round by round, and their ratios are medians of the rounds' ratios (with the range).
All figures from this machine, this invocation.
Mirrors are generated into WORK once per version of the generator (WORK/mirror-K/.generator).
"""
import argparse
import csv
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
# scripts/bench --write-docs appends each run's rows here and writes its table in
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


def generate(out, scale):
    """Generates the mirror, or keeps the one generated before by the same generator code
    (returns False then)."""
    h = hashlib.sha1()
    mdir = os.path.dirname(MIRROR_PY)
    for name in sorted(os.listdir(mdir)):
        if name.endswith(".py"):
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("work")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--big", type=int, default=360, help="mirror scale of the query/export corpus (about 100,000 documents)")
    ap.add_argument("--frontier", type=int, default=1000000)
    ap.add_argument("--write-docs")
    a = ap.parse_args()
    a.work = os.path.abspath(a.work)
    zc = os.path.join(a.build, "zhengce")
    os.makedirs(a.work, exist_ok=True)
    rows = []
    short = []  # rows met by the median of their rounds but not in each round
    cpu_name = processor()
    machine = "%s, %d cores" % (cpu_name, os.cpu_count())
    today = time.strftime("%Y-%m-%d", time.gmtime())
    print("machine: %s, %d cores, %s" % (cpu_name, os.cpu_count(), platform.platform()), flush=True)

    def row(what, ours, ref, refname, ratio, target, ok, held=None):
        """held: (rounds in which the target held, rounds), for a target judged by a median"""
        rows.append((what, ours, ref, refname, ratio, target, ok))
        if held and ok.startswith("yes") and held[0] < held[1]:
            short.append("%s %s (%d of %d rounds)" % (what, target, held[0], held[1]))
        print("%-34s %-22s %-22s %-24s %-8s %-10s %s" % (what, ours, ref, refname, ratio, target, ok), flush=True)

    m1 = a.work + "/mirror-1"
    generate(m1, 1)
    truth = [json.loads(l) for l in open(m1 + "/truth.jsonl") if '"disallowed"' not in l]
    sites = {s["host"]: s for s in json.load(open(m1 + "/sites.json"))["sites"]}

    # -- parse -------------------------------------------------------------------------------
    lst = a.work + "/pages.tsv"
    files = []
    with open(lst, "w") as f:
        for t in truth:
            host = t["site"]
            path = t["url"].split(host, 1)[1]
            fp = os.path.join(m1, "www", host, quote_path(path))
            s = sites[host]
            ct = "text/html; charset=utf-8" if s.get("header_lies") or (s["charset"] == "utf-8" and s.get("declare", True)) else "text/html"
            f.write("%s\t%s\t%s\n" % (fp, t["url"], ct))
            files.append(fp)
    # every page PARSE_ROUNDS times in one process each: one pass over the pages is a tenth of a
    # second, too short for the CPU clock's 10 ms ticks and the start of the process
    mb = sum(os.path.getsize(p) for p in files) / 1e6 * PARSE_ROUNDS
    ours, ref = [], []
    for _ in range(a.runs):
        w, cpu, *_ = run_measured([os.path.join(a.build, "bench", "bench_parse"), lst, str(PARSE_ROUNDS)])
        ours.append(cpu)
        w, cpu, *_ = run_measured(["xmllint", "--html", "--noout", "--nowarning", "--recover"] + files * PARSE_ROUNDS)
        ref.append(cpu)
    o, r = statistics.median(ours), statistics.median(ref)
    page_parse = o / PARSE_ROUNDS / len(files)  # zhengce's CPU for one page, for the ceiling row
    row("parse + extraction (%d pages x %d)" % (len(files), PARSE_ROUNDS), "%.1f MB/s" % (mb / o), "%.1f MB/s" % (mb / r),
        "xmllint --html --noout", "%.2fx" % (r / o), ">= 0.5x", "yes" if r / o >= 0.5 else "NO")

    # -- parse cost against page size ----------------------------------------------------------
    # a page of every shape the parser reads (metadata cells, paragraphs, link lists, date and
    # name lines, attachment links), at K and 16 K parts: the CPU per byte must not grow with
    # the page (issue: no cost may grow faster than its input)
    def big_page(k):
        parts = ['<html><head><meta name="ArticleTitle" content="关于推进医联体建设的通知"></head><body>',
                 '<table>' + '<tr><td>发 文 机 关：</td><td>省卫生健康委</td><td>文　　号</td><td>浙卫发〔2020〕1号</td></tr>' * k + '</table>',
                 '<div id="zoom">']
        for i in range(k):
            parts.append('<p>第%d段，推进医疗资源下沉，建设紧密型县域医共体。</p><p>浙江省卫生健康委员会</p>'
                         '<p>2020年1月%d日</p><p><a href="/f/%d.pdf">附件%d.pdf</a></p><p>（此件主动公开）</p>' % (i, i % 28 + 1, i, i))
        parts.append('</div><div class="footer">' + '<a href="/x">链接</a> ' * k + '</div></body></html>')
        return "".join(parts)
    sizes = {}
    for k in (400, 6400):
        fp = os.path.join(a.work, "big-%d.html" % k)
        with open(fp, "w", encoding="utf-8") as f:
            f.write(big_page(k))
        with open(fp + ".tsv", "w") as f:
            f.write("%s\thttps://wsjkw.zj.gov.cn/art/2020/1/1/art_1_%d.html\ttext/html; charset=utf-8\n" % (fp, k))
        cpus = [run_measured([os.path.join(a.build, "bench", "bench_parse"), fp + ".tsv", "3"])[1] for _ in range(a.runs)]
        sizes[k] = (os.path.getsize(fp), statistics.median(cpus))
    (b1, c1), (b2, c2) = sizes[400], sizes[6400]
    per1, per2 = c1 / b1, c2 / b2
    row("parse cost per byte, 16x the page", "%.2f us/KB" % (per2 * 1e9 / 1000), "%.2f us/KB" % (per1 * 1e9 / 1000),
        "the same page at 1/16 size", "%.2fx" % (per2 / per1), "<= 1.5x", "yes" if per2 / per1 <= 1.5 else "NO")

    # -- crawl, unthrottled -------------------------------------------------------------------
    m = Mirror(m1, log=a.work + "/m1.log")
    try:
        corpus = a.work + "/corpus-1"
        # the same URLs zhengce fetched, https:// ones over TLS as zhengce reads them: the references
        # use the mirror as their proxy; Scrapy tunnels through its HTTP port (CONNECT, which the
        # mirror ends in TLS), wget2 speaks TLS to its TLS port and asks for the absolute URL
        urls = a.work + "/urls.txt"
        with open(urls, "w") as f:
            for t in truth:
                f.write(t["url"] + "\n")
        proxy = "http://127.0.0.1:%d" % m.http
        env = dict(os.environ, http_proxy=proxy, HTTP_PROXY=proxy, https_proxy=proxy, HTTPS_PROXY=proxy)
        # wget2 saves its pages (some 4,500 files and directories a round) on tmpfs where there is
        # one: on ext4 as mounted here, inodes freed in the last minutes are not reused, and
        # creating files then costs a search past them (recently_deleted()); wget2 took 0.6 to
        # 1.25 CPU s instead of 0.4 after a deletion of its own pages or of any others in the
        # minutes before (docs/PERFORMANCE.md), which no order of the bench's own steps avoids
        save_in = "/dev/shm" if os.path.isdir("/dev/shm") else a.work
        saved_where = ("on tmpfs (/dev/shm), where deletions do not slow the creation of files as they do on this disk"
                       if save_in == "/dev/shm" else
                       "in the bench's work directory (no /dev/shm here), where the deletions of the minutes before "
                       "may slow the creation of its files")
        # the four programs take turns, round after round: a shared machine's speed drifts over
        # minutes, and a ratio of runs made side by side drifts far less than a ratio of medians
        # taken minutes apart; each ratio below is the median of the rounds' ratios
        zc_runs, wget_runs, scrapy_runs, fetch_runs = [], [], [], []
        for _ in range(a.runs):
            shutil.rmtree(corpus, ignore_errors=True)
            before = sum(1 for _ in open(m.log)) if os.path.exists(m.log) else 0
            w1, cpu1, rss1, anon1, r = run_measured(m.crawl_cmd(zc, corpus))
            if r.returncode != 0:
                sys.exit("bench: the scale-1 crawl failed:\n%s" % r.stderr)
            zc_runs.append((w1, cpu1, rss1, anon1, sum(1 for _ in open(m.log)) - before))
            dl = tempfile.mkdtemp(prefix="zhengce-bench-wget2-", dir=save_in)
            ww, wcpu, *_ = run_measured(["wget2", "--input-file", urls, "--no-robots", "-q", "-P", dl,
                                         "--http-proxy", "127.0.0.1:%d" % m.http, "--https-proxy", "127.0.0.1:%d" % m.tls,
                                         "--ca-certificate", m1 + "/tls/ca.pem", "--tries", "2"], env=env)
            wget_pages = sum(len(fs) for _, _, fs in os.walk(dl))
            shutil.rmtree(dl)
            if not wget_pages:
                sys.exit("bench: wget2 fetched nothing")
            wget_runs.append((ww, wcpu, wget_pages))
            fw, fcpu, *_, r = run_measured([os.path.join(a.build, "bench", "bench_fetch"), urls, str(m.http), str(m.tls),
                                            m1 + "/tls/ca.pem"])
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
        w1, cpu1, rss1, anon1, reqs1 = (med(zc_runs, i) for i in range(5))
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
        row("crawl: zhengce pages per CPU second", "%.0f req/CPU-s" % zc_pps, "%.0f req/CPU-s" % wget_pps,
            "wget2 (%d pages)" % wget_pages, shown(r_wget), ">= 3x", *verdict(r_wget, lambda x: x >= 3))
        # what the 3x-wget2 target asks: bench_fetch does the fetch of the crawl (libcurl, the
        # crawl's schedule) and keeps nothing; with zhengce's parse and extraction of each page
        # (the parse row) added, it is the most a crawl could do per CPU second if searching,
        # selecting, storing and archiving cost nothing
        r_fetch = paired(lambda z, w, s, fe: (fe[2] / fe[1]) / (w[2] / w[1]))
        row("fetch alone: libcurl, nothing kept", "%.0f req/CPU-s" % (fetch_reqs / fcpu), "%.0f req/CPU-s" % wget_pps,
            "wget2 (fetch and save)", shown(r_fetch), "-", "-")
        ceiling = lambda cpu, reqs: 1.0 / (cpu / reqs + page_parse)
        r_ceiling = paired(lambda z, w, s, fe: ceiling(fe[1], fe[2]) / (w[2] / w[1]))
        row("ceiling: that fetch + zhengce's parse", "%.0f req/CPU-s" % ceiling(fcpu, fetch_reqs),
            "%.0f req/CPU-s" % wget_pps, "wget2 (fetch and save)", shown(r_ceiling), "-", "-")
        r_scrapy = paired(lambda z, w, s, fe: (z[4] / z[1]) / (s[3] / s[1]))
        row("crawl: zhengce pages per CPU second", "%.0f req/CPU-s" % zc_pps, "%.0f req/CPU-s" % (scrapy_pages / scpu),
            "Scrapy spider (%d pages)" % scrapy_pages, shown(r_scrapy), ">= 10x", *verdict(r_scrapy, lambda x: x >= 10))
        r_rss = paired(lambda z, w, s, fe: z[2] / s[2])
        row("crawl: peak RSS", "%.1f MB" % rss1, "%.1f MB" % srss, "Scrapy spider", shown(r_rss, "%.3f"), "<= 0.25x",
            *verdict(r_rss, lambda x: x <= 0.25))
        row("crawl: wall time, %d requests" % reqs1, "%.1f s" % w1, "%.1f s" % ww, "wget2 (articles only)", "-", "-", "-")
        row("mirror keeps up: req/s it served", "%.0f req/s (zhengce)" % (reqs1 / w1), "%.0f req/s" % (wget_pages / ww),
            "wget2 through it", "%.2fx" % ((reqs1 / w1) / (wget_pages / ww)), "-", "-")

        # -- re-crawl of the unchanged mirror
        before = sum(1 for _ in open(m.log))
        w2, *_ = run_measured(m.crawl_cmd(zc, corpus))
        second = [l.split("\t") for l in open(m.log).read().splitlines()[before:]]
        arts = {t["url"].split("://", 1)[1] for t in truth}
        bodies = sum(1 for f in second if f[4] == "200" and (f[1] + f[3]) in arts)
        row("re-crawl, unchanged mirror", "%d req, %d bodies" % (len(second), bodies), "%d req" % reqs1, "first crawl",
            "%.2fx time" % (w2 / w1), "0 bodies", "yes" if bodies == 0 else "NO")

        # -- polite crawl on a few sites
        subset = "www.gov.cn,www.zj.gov.cn,wjw.beijing.gov.cn,wsjk.gansu.gov.cn,www.hebei.gov.cn"
        d = 0.1
        runs = []
        for _ in range(a.runs):
            shutil.rmtree(a.work + "/corpus-polite", ignore_errors=True)
            before = sum(1 for _ in open(m.log))
            pw, *_ = run_measured(m.crawl_cmd(zc, a.work + "/corpus-polite", delay=d, extra=("--site", subset)))
            polite = [l.split("\t") for l in open(m.log).read().splitlines()[before:]]
            per = {}
            for f in polite:
                per[f[1]] = per.get(f[1], 0) + 1
            runs.append((pw, max(per.values()) * d))
        pw, bound = (statistics.median(r[i] for r in runs) for i in range(2))
        row("polite crawl (delay %.1f s, 5 sites)" % d, "%.1f s" % pw, "%.1f s" % bound, "largest host x delay",
            "%.2fx" % (pw / bound), "<= 1.1x", "yes" if pw / bound <= 1.1 else "NO")
    finally:
        m.stop()

    # -- memory at scale K ------------------------------------------------------------------
    def crawl_scale(k):
        mk = a.work + "/mirror-%d" % k
        t = time.time()
        gen = "%.1f s" % (time.time() - t) if generate(mk, k) else "reused (same generator)"
        m = Mirror(mk, log=a.work + "/mk.log")
        try:
            corpus = a.work + "/corpus-%d" % k
            shutil.rmtree(corpus, ignore_errors=True)
            before = sum(1 for _ in open(m.log)) if os.path.exists(m.log) else 0
            wk, cpuk, rssk, anonk, r = run_measured(m.crawl_cmd(zc, corpus))
            if r.returncode != 0:
                sys.exit("bench: the scale-%d crawl failed:\n%s" % (k, r.stderr))
            nk = sum(1 for _ in open(m.log)) - before
        finally:
            m.stop()
        want, found, extra = included_vs_truth(zc, corpus, mk, a.work + "/included-%d.jsonl" % k)
        row("scale %d corpus vs truth.jsonl" % k, "%d of %d included, %d more" % (found, want, extra), "%d" % want,
            "included in truth.jsonl", "-", "equal", "yes" if found == want and not extra else "NO")
        return corpus, gen, wk, cpuk, rssk, anonk, nk

    corpus, gen, wk, cpuk, rssk, anonk, nk = crawl_scale(a.scale)
    row("peak RSS, scale %d (%d req) vs 1" % (a.scale, nk), "%.1f MB" % rssk, "%.1f MB" % rss1, "scale 1 crawl",
        "%.2fx" % (rssk / rss1), "<= 1.2x", "yes" if rssk / rss1 <= 1.2 else "NO")
    row("peak heap (RssAnon), scale %d vs 1" % a.scale, "%.1f MB" % anonk, "%.1f MB" % anon1, "scale 1 crawl",
        "%.2fx" % (anonk / anon1), "<= 1.2x", "yes" if anonk / anon1 <= 1.2 else "NO")
    row("crawl at scale %d: req per CPU second" % a.scale, "%.0f req/CPU-s" % (nk / cpuk), "%.0f req/CPU-s" % zc_pps,
        "scale 1 crawl", "%.2fx" % ((nk / cpuk) / zc_pps), "-", "-")
    fr = []
    for n in (10000, a.frontier):
        d = a.work + "/frontier-%d" % n
        shutil.rmtree(d, ignore_errors=True)
        p = subprocess.run([os.path.join(a.build, "bench", "bench_frontier"), d, str(n)], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("bench: bench_frontier %d failed: %s" % (n, p.stderr))
        fr.append([float(x) for x in p.stdout.split()])
        shutil.rmtree(d, ignore_errors=True)
    (n0, f0, d0, _, r0), (n1, f1, d1, _, r1) = fr
    row("frontier of %d URLs: peak RSS" % n1, "%.1f MB" % (r1 / 1024), "%.1f MB" % (r0 / 1024), "%d URLs" % n0,
        "%.2fx" % (r1 / r0), "flat", "yes" if r1 / r0 <= 1.2 else "NO")
    row("frontier of %d URLs: push, pop" % n1, "%.0f, %.0f URL/s" % (n1 / f1, n1 / d1), "%.0f, %.0f URL/s" % (n0 / f0, n0 / d0),
        "%d URLs" % n0, "%.2fx" % ((n1 / (f1 + d1)) / (n0 / (f0 + d0))), "-", "-")

    # -- query and export over about 100,000 documents ----------------------------------------
    corpus, gen_big, wb, cpub, rssb, anonb, nb = crawl_scale(a.big)
    row("peak RSS, scale %d (%d req) vs 1" % (a.big, nb), "%.1f MB" % rssb, "%.1f MB" % rss1, "scale 1 crawl",
        "%.2fx" % (rssb / rss1), "-", "-")
    row("peak heap (RssAnon), scale %d vs 1" % a.big, "%.1f MB" % anonb, "%.1f MB" % anon1, "scale 1 crawl",
        "%.2fx" % (anonb / anon1), "-", "-")
    db = corpus + "/corpus"
    gen_live = subprocess.run(["mdb_dump", "-p", "-s", "meta", db], capture_output=True, text=True).stdout.split()
    live = lambda t: t + ".1" if "generation" in gen_live and gen_live[gen_live.index("generation") + 1] == "1" else t
    ex, ref = [], []
    for _ in range(a.runs):
        w, *_ = run_measured([zc, "export", "--all", "--format", "jsonl", "--corpus", corpus, "-o", a.work + "/export.jsonl"])
        ex.append(w)
        w, *_ = run_measured(["mdb_dump", "-s", "pages", db])
        ref.append(w)
    pages = sum(1 for _ in open(a.work + "/export.jsonl"))
    row("export jsonl, %d documents" % pages, "%.2f s" % statistics.median(ex), "%.2f s" % statistics.median(ref),
        "mdb_dump -s pages", "%.2fx" % (statistics.median(ex) / statistics.median(ref)), "-", "-")
    ex = []
    for _ in range(a.runs):
        w, *_ = run_measured([zc, "export", "--all", "--format", "csv", "--corpus", corpus, "-o", a.work + "/export.csv"])
        ex.append(w)
    row("export csv, %d documents" % pages, "%.2f s" % statistics.median(ex), "%.2f s" % statistics.median(ref),
        "mdb_dump -s pages", "%.2fx" % (statistics.median(ex) / statistics.median(ref)), "-", "-")
    q, ref = [], []
    for _ in range(a.runs):
        w, *_ = run_measured([zc, "query", "--province", "浙江", "--year", "2017", "--corpus", corpus])
        q.append(w)
        w, *_ = run_measured(["mdb_dump", "-s", live("jy"), db])
        ref.append(w)
    row("query province+year", "%.3f s" % statistics.median(q), "%.3f s" % statistics.median(ref), "mdb_dump -s jy",
        "%.2fx" % (statistics.median(q) / statistics.median(ref)), "-", "-")
    q, ref = [], []
    for _ in range(a.runs):
        w, *_ = run_measured([zc, "query", "--keyword", "区域医疗中心", "--all", "--corpus", corpus])
        q.append(w)
        w, *_ = run_measured(["mdb_dump", "-s", "pages", db])
        ref.append(w)
    row("query keyword (character pairs)", "%.3f s" % statistics.median(q), "%.3f s" % statistics.median(ref),
        "mdb_dump -s pages (a scan)", "%.2fx" % (statistics.median(q) / statistics.median(ref)), "-", "-")
    print("generation: scale %d %s, scale %d %s; corpus %.1f MB at scale 1, %.1f MB at scale %d" % (
        a.scale, gen, a.big, gen_big, os.path.getsize(a.work + "/corpus-1/corpus/data.mdb") / 1e6,
        os.path.getsize(db + "/data.mdb") / 1e6, a.big))
    missed = [r[0] + " " + r[5] for r in rows if r[6].startswith("NO")]
    tally = "rows with a target: %d met, %d not%s" % (sum(r[6].startswith("yes") for r in rows), len(missed),
                                                     (": " + "; ".join(missed)) if missed else "")
    if short:
        tally += "; met by the median, not in every round: " + "; ".join(short)
    print(tally)
    if a.write_docs:
        # the run's rows go to the history first: a doc without its markers loses no run
        commit = git_commit()
        new = not os.path.exists(HISTORY)
        with open(HISTORY, "a", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            if new:
                w.writerow(HISTORY_FIELDS)
            for r in rows:
                w.writerow((today, commit, machine) + tuple(r))
        print("history: %d rows appended to %s" % (len(rows), os.path.relpath(HISTORY, ROOT)))
        # the table goes between its two markers; every line the maintainers wrote around it stays
        old = open(a.write_docs, encoding="utf-8").read() if os.path.exists(a.write_docs) else ""
        at, to = old.find(TABLE_BEGIN), old.find(TABLE_END)
        if at < 0 or to < at:
            sys.exit("bench: %s has no lines %s and %s to write the table between: put them back where the "
                     "table goes (the rows are in %s)" % (a.write_docs, TABLE_BEGIN, TABLE_END, os.path.relpath(HISTORY, ROOT)))
        t = ["Run of %s at %s on %s, %d cores (%s, Python %s): medians of %d runs where a run is cheap; a crawl "
             "ratio is the median of the ratios of its %d rounds, in which zhengce, wget2, bench_fetch and Scrapy "
             "take turns, with their range in brackets, and its last column says in how many rounds the target "
             "held.\n" % (today, commit, cpu_name, os.cpu_count(), platform.platform(), platform.python_version(),
                          a.runs, a.runs),
             "| measure | zhengce | reference | reference is | ratio | target | met |",
             "|---|---|---|---|---|---|---|"]
        t += ["| %s |" % " | ".join(r) for r in rows]
        t.append("\n%s.\n" % (tally[0].upper() + tally[1:]))
        t.append("wget2 saved its pages %s. Generation of the scale-%d mirror: %s; of the scale-%d one: %s." % (
            saved_where, a.scale, gen, a.big, gen_big))
        with open(a.write_docs, "w", encoding="utf-8") as f:
            f.write(old[:at + len(TABLE_BEGIN)] + "\n" + "\n".join(t) + "\n" + old[to:])


if __name__ == "__main__":
    main()
