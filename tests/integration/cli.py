#!/usr/bin/env python3
"""The command line as researchers meet it: the wrong invocations a new user makes, each refused
with exit 2 and a one-line message naming the problem; help as git gives it.

usage: cli.py ZHENGCE WORKDIR
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = []
# www.zj.gov.cn republishes documents of wsjkw.zj.gov.cn: duplicates
SITES = "wsjkw.zj.gov.cn,www.zj.gov.cn,www.nhc.gov.cn,wsjkw.sc.gov.cn,wsjk.ln.gov.cn,wsjkw.henan.gov.cn"
# the reference study's regions, written out here from the study, not from zhengce
REGIONS = {"east": "北京 天津 河北 上海 江苏 浙江 福建 山东 广东 海南", "centre": "山西 安徽 江西 河南 湖北 湖南",
           "west": "内蒙古 广西 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆", "north-east": "辽宁 吉林 黑龙江"}
# the document types of docs/DESIGN.md ("Reading a page")
TYPES = ("通知 意见 方案 规划 计划 办法 措施 规定 条例 细则 决定 批复 函 令 通告 公告 解读 转发 新闻 other").split()


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work)
    nocorpus = work + "/none"

    def run(*args):
        return subprocess.run([zc, *args], capture_output=True, text=True)

    def refused(args, *words):
        """exit 2, one line on stderr, naming each of words"""
        r = run(*args)
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and len(lines) == 1 and all(w in r.stderr for w in words) and not r.stdout,
              "%s: exit %d, %r" % (" ".join(args), r.returncode, r.stderr.strip()))

    # the commands, as the general help lists them (from main.c's table: a command added there is
    # checked here too)
    general = run("help")
    lines = general.stdout.splitlines()
    at = lines.index("commands:") if "commands:" in lines else len(lines)
    commands = []
    for line in lines[at + 1:]:
        if not line.strip():
            break
        commands.append(line.split()[0])
    check(general.returncode == 0 and len(commands) >= 12 and "crawl" in commands and "why" in commands,
          "zhengce help lists the commands: %s" % " ".join(commands))
    check(general.stdout == run("--help").stdout == run("help", "help").stdout, "help alone: the general help, as --help and help help")
    r = run()
    check(r.returncode == 2 and r.stderr == general.stdout and not r.stdout, "no command: the general help on stderr, exit 2")

    # help as git's: the command's own help; an unknown option named in one line
    for cmd in commands:
        h, own = run("help", cmd), run(cmd, "--help")
        check(h.returncode == 0 and own.returncode == 0 and h.stdout == own.stdout and not h.stderr and
              ("zhengce " + cmd) in (h.stdout.splitlines() or [""])[0],
              "help %s prints %s's help" % (cmd, cmd))
        refused([cmd, "--no-such-option"], "zhengce %s: unknown option --no-such-option" % cmd)
    refused(["querry"], "'querry'", "did you mean 'query'")
    refused(["help", "querry"], "'querry'", "did you mean 'query'")
    refused(["help", "query", "extra"], "unexpected argument extra")
    refused(["expotr", "--corpus", nocorpus], "'expotr'", "did you mean 'export'")
    refused(["frobnicate"], "'frobnicate'", "zhengce --help")

    # man ./docs/zhengce.1 lists every command, each with an example, and the exit status
    src = os.path.dirname(os.path.dirname(HERE))
    r = subprocess.run(["man", "-l", os.path.join(src, "docs", "zhengce.1")], capture_output=True, text=True,
                       env=dict(os.environ, MANWIDTH="200", MAN_KEEP_FORMATTING="", PAGER="cat", MANPAGER="cat"))
    page = re.sub(".\b", "", r.stdout)
    sections = {}
    name = None
    for line in page.splitlines():
        if line and not line[0].isspace():
            name = line.strip()
            sections[name] = []
        elif name:
            sections[name].append(line.strip())
    check(r.returncode == 0 and all(s in sections for s in ("COMMANDS", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "EXAMPLES")),
          "man ./docs/zhengce.1 renders, with COMMANDS, OPTIONS, EXIT STATUS, ENVIRONMENT, EXAMPLES (%s)" %
          (r.stderr.strip() or list(sections)))
    described = {l.split()[0] for l in sections.get("COMMANDS", []) if l}
    examples = [l for l in sections.get("EXAMPLES", []) if l.startswith("zhengce ")]
    for cmd in commands:
        ex = [l for l in examples if re.match(r"zhengce (--?[a-z-]+(=\S+| [^-]\S*)? )*%s( |$)" % re.escape(cmd), l)]
        check(cmd in described and ex, "man: %s described, with an example (%s)" % (cmd, ex[:1]))
    status = " ".join(sections.get("EXIT STATUS", []))
    check(all(re.search(r"\b%s\b" % c, status) for c in ("0", "1", "2", "75", "130", "143")),
          "man: EXIT STATUS gives 0, 1, 2, 75, 130 and 143")
    env = " ".join(sections.get("ENVIRONMENT", []))
    check(all(v in env for v in ("ZHENGCE_CORPUS", "ZHENGCE_SEEDS", "ZHENGCE_PROFILE")), "man: ENVIRONMENT names the variables")

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
    seeds_file = os.path.join(src, "seeds", "sites.json")
    r = run("--corpus", nocorpus, "seeds", "check", "--seeds", seeds_file, "--site", "浙江")
    check(r.returncode == 0 and "valid" in r.stdout, "--corpus before a command that reads no corpus (seeds): no matter")

    # unexpected arguments refused by every command, naming the argument: a command that takes
    # arguments has its case here; any other is given one argument it must refuse
    # (why takes any number of URLs and codes)
    cases = {"report": ["report", "-o", work + "/r.html", "extra"], "why": None,
             "renumber": ["renumber", "--map", work + "/m.csv", "extra"], "parse": ["parse", "a.html", "extra"],
             "seeds": ["seeds", "check", "extra"], "code": ["code", "list", "extra"], "reselect": ["reselect", "narrower.json"], "query": ["query", "浙江"],
             "export": ["export", "x.csv"],
             # their arguments are files and corpora: one that is none is refused by name
             # (warc_import.py)
             "import": None, "merge": None}
    for cmd in commands:
        args = cases.get(cmd, [cmd, "extra"])
        if args is None:
            continue
        refused(args + (["--corpus", nocorpus] if cmd not in ("parse", "seeds") else []), "unexpected argument", args[-1])
    check(not os.path.exists(work + "/r.html") and not os.path.exists(work + "/m.csv"), "nothing written by a refused command")

    # option errors: one line naming the option; a missing value said as missing
    refused(["query", "--provnce", "浙江"], "zhengce query: unknown option --provnce", "--province")
    refused(["export", "--formt=csv"], "zhengce export: unknown option --formt", "--format")
    refused(["stats", "--bogus"], "zhengce stats: unknown option --bogus")
    refused(["stats", "--by", "provnce"], "zhengce stats: --by is summary, province", "not provnce")
    refused(["stats", "--format", "xlsx"], "zhengce stats: --format is table, csv or json, not xlsx")
    refused(["stats", "--format", "jsonl"], "zhengce stats: --format is table, csv or json, not jsonl")
    for cmd in ("analyze", "trace", "words"):
        refused([cmd, "--formt", "csv"], "zhengce %s: unknown option --formt" % cmd, "--format")
        refused([cmd, "--format", "xlsx"], "zhengce %s: --format is table, csv, json or jsonl, not xlsx" % cmd)
        refused([cmd, "-o"], "zhengce %s: -o wants a value" % cmd)
    refused(["analyze", "--network", "--format", "csv"], "zhengce analyze: --network --format is gexf", "not csv")
    refused(["code", "list", "--format", "csv"], "zhengce code list: --format is table or jsonl, not csv")
    refused(["code", "agree", "--format", "xlsx"], "zhengce code agree: --format is table, csv or json, not xlsx")
    refused(["code", "sheet", "--coder", "a", "-o", "s.xlsx", "--format", "tsv"], "zhengce code sheet: --format is xlsx or csv, not tsv")
    refused(["query", "-z"], "zhengce query: unknown option -z")
    refused(["crawl", "--delay", "abc"], "zhengce crawl: --delay wants a number, got abc")
    refused(["crawl", "--delay=abc"], "zhengce crawl: --delay wants a number, got abc")
    refused(["crawl", "--tries", "4x"], "zhengce crawl: --tries wants a number, got 4x")
    refused(["crawl", "--delay", "nan"], "zhengce crawl: --delay wants a number, got nan")
    refused(["crawl", "--delay", "-1"], "zhengce crawl: --delay wants a number >= 0, got -1")
    refused(["crawl", "--tries", "0"], "zhengce crawl: --tries wants a number >= 1, got 0")
    refused(["crawl", "--tries", "2.5"], "zhengce crawl: --tries wants a whole number", "2.5")
    refused(["crawl", "--max-body", "10"], "zhengce crawl: --max-body wants a number >= 1024, got 10")
    refused(["crawl", "--full-every", "0"], "zhengce crawl: --full-every wants a number >= 1, got 0")
    refused(["crawl", "--timeout", "1e400"], "zhengce crawl: --timeout wants a number, got 1e400")
    refused(["query", "--year"], "zhengce query: --year wants a value")
    refused(["export", "-o"], "zhengce export: -o wants a value")
    refused(["why", "--corpus"], "zhengce why: --corpus wants a value")
    refused(["reselect", "--profile"], "zhengce reselect: --profile wants a value")
    refused(["seeds", "check", "--site"], "zhengce seeds: --site wants a value")

    # a small corpus: five sites of the mirror, one of each region and the NHC
    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus, delay="0.01", max_crawl_delay="0.1",
                                         extra=("--site", SITES)), capture_output=True, text=True)
    check(r.returncode == 0, "crawl of five sites: exit %d %s" % (r.returncode, r.stderr.strip()[-200:]))
    check(r.stderr.count("--contact") == 1 and "no contact" in r.stderr, "a crawl without --contact says so, once")
    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, work + "/c1", delay="0.01", max_crawl_delay="0.1",
                                         extra=("--site", "wsjkw.zj.gov.cn", "--contact", "mailto:me@uni.edu")),
                           capture_output=True, text=True)
    check(r.returncode == 0 and "contact" not in r.stderr, "with --contact: no such note (%s)" % r.stderr.strip()[:100])
    os.chdir(work)

    def rows(data):
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))

    # -o: - is standard output; the format from the extension; --format in any case
    ref = subprocess.run([zc, "export", "--corpus", corpus], capture_output=True).stdout
    n_docs = len(rows(ref)) - 1
    check(n_docs > 10 and ref.startswith(b"\xef\xbb\xbf"), "export to stdout: CSV with a BOM, %d documents" % n_docs)
    r = subprocess.run([zc, "export", "--corpus", corpus, "-o", "-"], capture_output=True)
    check(r.returncode == 0 and r.stdout == ref and not os.path.exists(work + "/-"), "export -o -: standard output, no file named -")
    r = subprocess.run([zc, "report", "--corpus", corpus, "-o", "-"], capture_output=True)
    check(r.returncode == 0 and r.stdout.startswith(b"<!DOCTYPE html") and not os.path.exists(work + "/-"),
          "report -o -: the HTML on standard output")
    for name, kind in (("x.csv", "csv"), ("x.jsonl", "jsonl"), ("x.xlsx", "xlsx"), ("X.CSV", "csv"), ("e.xlsx", "xlsx")):
        cmd = "entries" if name.startswith("e") else "export"
        r = run(cmd, "--corpus", corpus, "-o", work + "/" + name)
        data = open(work + "/" + name, "rb").read() if r.returncode == 0 else b""
        if kind == "csv":
            ok = data.startswith(b"\xef\xbb\xbf") and len(rows(data)) == n_docs + 1
        elif kind == "jsonl":
            ok = len([json.loads(l) for l in data.decode().splitlines()]) == n_docs
        else:
            ok = data[:2] == b"PK" and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
        check(r.returncode == 0 and ok, "%s -o %s: %s from the extension" % (cmd, name, kind))
    r = run("query", "--corpus", corpus, "-o", work + "/q.jsonl")
    check(r.returncode == 0 and len(open(work + "/q.jsonl").read().splitlines()) == n_docs, "query -o q.jsonl: JSONL")
    for fmt in ("CSV", "Csv", "JSONL"):
        r = subprocess.run([zc, "export", "--corpus", corpus, "--format", fmt], capture_output=True)
        check(r.returncode == 0 and (r.stdout == ref if fmt != "JSONL" else len(r.stdout.splitlines()) == n_docs),
              "--format %s accepted" % fmt)
    r = run("stats", "--corpus", corpus, "--format", "JSON")
    check(r.returncode == 0 and json.loads(r.stdout), "stats --format JSON accepted")
    refused(["export", "--corpus", corpus, "-o", work + "/x.txt"], "x.txt", "--format")
    refused(["export", "--corpus", corpus, "-o", work + "/noext"], "noext", "--format")
    refused(["query", "--corpus", corpus, "-o", work + "/q.xlsx"], "export")
    refused(["export", "--corpus", corpus, "--format", "xlsx", "-o", "-"], "standard output", "-o FILE.xlsx")
    refused(["export", "--corpus", corpus, "--format", "xls"], "--format", "xls")
    check(not [f for f in os.listdir(work) if f in ("x.txt", "noext", "q.xlsx", "-")], "no file written by a refused -o")
    refused(["export", "--corpus", corpus, "--format", "CSV", "-o", work + "/y.xlsx"], "--format says CSV", "y.xlsx", "XLSX")
    refused(["query", "--corpus", corpus, "--format", "table", "-o", work + "/y.csv"], "--format says a table", "y.csv")
    refused(["check", "--corpus", corpus, "-o", work + "/y.txt"], "unknown option -o")
    check(not [f for f in os.listdir(work) if f.startswith("y.")], "no file written by a --format the name contradicts")
    r = run("export", "--corpus", corpus, "--format", "csv", "-o", work + "/plain.txt")
    check(r.returncode == 0 and rows(open(work + "/plain.txt", "rb").read())[0][0] == "code",
          "--format csv -o plain.txt: the format given wins over the name")

    # query: types checked against the parser's vocabulary, lists, regions, open years, trimmed values
    docs = [json.loads(l) for l in subprocess.run([zc, "export", "--corpus", corpus, "--format", "jsonl"],
                                                  capture_output=True, text=True).stdout.splitlines()]

    def codes(*args):
        r = run("query", "--corpus", corpus, "--format", "jsonl", *args)
        check(r.returncode == 0, "query %s: exit %d %s" % (" ".join(args), r.returncode, r.stderr.strip()))
        return sorted(json.loads(l)["code"] for l in r.stdout.splitlines())

    def want(pred):
        return sorted(d["code"] for d in docs if pred(d))

    # query's table: one line a document on stdout, the count on stderr
    r = run("query", "--corpus", corpus, "--province", "浙江")
    check(r.returncode == 0 and len(r.stdout.splitlines()) == len(want(lambda d: d["province"] == "浙江")) > 0 and
          r.stderr.strip() == "%d documents" % len(r.stdout.splitlines()), "query: | wc -l counts documents, the count on stderr")

    # on a terminal, a header line above the rows (into a pipe, rows only: above)
    import pty
    master, slave = pty.openpty()
    r = subprocess.run([zc, "query", "--corpus", corpus, "--province", "浙江"], stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    tty_lines = out.decode().splitlines()
    check(r.returncode == 0 and tty_lines[0].split() == ["code", "date", "province", "type", "title"] and
          len(tty_lines) == len(want(lambda d: d["province"] == "浙江")) + 1,
          "query on a terminal: a header line, then the rows (%r)" % (tty_lines[:1],))

    # stats --format csv: long form with a BOM, the same counts as the export
    st = subprocess.run([zc, "stats", "--corpus", corpus, "--format", "csv"], capture_output=True).stdout
    long = rows(st)
    by = {}
    for d in docs:
        by[(d["jurisdiction"], d["year"])] = by.get((d["jurisdiction"], d["year"]), 0) + 1
    check(st.startswith(b"\xef\xbb\xbf") and long[0] == ["jurisdiction", "province", "year", "documents", "entries"] and
          {(r[0], int(r[2])): int(r[3]) for r in long[1:]} == by and ["00", "国家"] == long[1][:2],
          "stats --format csv: long form, a BOM, %d rows, the export's counts" % (len(long) - 1))

    check(len({d["jurisdiction"] for d in docs}) == 5, "the corpus holds five jurisdictions")
    refused(["query", "--corpus", corpus, "--type", "opinion"], "unknown type opinion", *TYPES)
    refused(["query", "--corpus", corpus, "--type", "意见,opinion"], "unknown type opinion")
    for t in ("意见", "通知", "other", "解读"):
        got = codes("--type", t)
        check(got == want(lambda d: d["type"] == t), "--type %s: %d documents" % (t, len(got)))
    got = codes("--type", "意见,通知")
    check(got and got == want(lambda d: d["type"] in ("意见", "通知")), "--type 意见,通知: either (%d)" % len(got))
    check(codes("--type", " 意见， 通知 ") == got, "--type ' 意见， 通知 ': trimmed, the wide comma too")
    a, b, ab = codes("--keyword", "医联体"), codes("--keyword", "专科联盟"), codes("--keyword", "医联体,专科联盟")
    check(ab and ab == sorted(set(a) | set(b)) and len(ab) > max(len(a), len(b)),
          "--keyword 医联体,专科联盟: either (%d = %d | %d)" % (len(ab), len(a), len(b)))
    got = codes("--province", "浙江,四川")
    check(got and got == want(lambda d: d["province"] in ("浙江", "四川")), "--province 浙江,四川: either (%d)" % len(got))
    check(codes("--province", "浙江 ") == want(lambda d: d["province"] == "浙江"), "--province '浙江 ': trimmed")
    check(codes("--province", "Zhejiang,51") == got, "--province Zhejiang,51: names and codes in a list")
    for region, names in REGIONS.items():
        got = codes("--region", region)
        check(got and got == want(lambda d: d["province"] in names.split()), "--region %s: %d documents" % (region, len(got)))
    refused(["query", "--corpus", corpus, "--region", "middle"], "unknown region middle", "east", "north-east")
    refused(["query", "--corpus", corpus, "--province", "浙江,火星"], "unknown province 火星")
    years = sorted(d["year"] for d in docs)
    mid = years[len(years) // 2]
    for arg, pred in (("%d-" % mid, lambda d: d["year"] >= mid), ("-%d" % mid, lambda d: 0 < d["year"] <= mid),
                      (" %d - %d " % (mid - 2, mid), lambda d: mid - 2 <= d["year"] <= mid), (str(mid), lambda d: d["year"] == mid)):
        got = codes("--year", arg)
        check(got and got == want(pred), "--year %r: %d documents" % (arg, len(got)))
    refused(["query", "--corpus", corpus, "--year", "2017-2015"], "2017-2015", "backwards", "2015-2017")
    refused(["query", "--corpus", corpus, "--year", "20x5"], "--year", "20x5")
    refused(["query", "--corpus", corpus, "--year", "-"], "--year")
    refused(["query", "--corpus", corpus, "--keyword", " , "], "--keyword wants a value")
    got = codes("--region", "east", "--type", "意见,通知", "--year", "%d-" % (mid - 3))
    check(got == want(lambda d: d["province"] in REGIONS["east"].split() and d["type"] in ("意见", "通知") and
                      d["year"] >= mid - 3), "--region, --type and --year together: all of them (%d)" % len(got))
    n = len(rows(subprocess.run([zc, "export", "--corpus", corpus, "--region", "west"], capture_output=True).stdout)) - 1
    check(n == len(codes("--region", "west")), "export --region west: the same documents as query (%d)" % n)

    # why: a URL as a browser shows it (a #fragment, the other scheme) finds the document
    d = docs[0]
    u = d["url"]
    other = ("http://" + u[8:]) if u.startswith("https://") else ("https://" + u[7:])
    for form in (u, u + "#content", other, other + "#top"):
        r = run("why", "--corpus", corpus, form)
        check(r.returncode == 0 and ("INCLUDED as " + d["code"]) in r.stdout, "why %s: %s" % (form[:60], d["code"]))

    # why: several at once; an entry's code shows the entry's text, then its document
    ents = [json.loads(l) for l in subprocess.run([zc, "entries", "--corpus", corpus, "--format", "jsonl"],
                                                  capture_output=True, text=True).stdout.splitlines()]
    e = next(x for x in ents if "\n" not in x["text"] and x["text"])
    d2 = docs[-1]
    r = run("why", "--corpus", corpus, d["code"], e["code"], d2["url"])
    blocks = r.stdout.split("\n\n")
    check(r.returncode == 0 and len(blocks) == 4 and ("INCLUDED as " + d["code"] + ":") in blocks[0] and
          blocks[1].startswith("entry %s (section %d, item %d) of %s:" % (e["code"], e["section"], e["item"], e["doc_code"])) and
          ("  " + e["text"]) in blocks[1].splitlines() and ("INCLUDED as " + e["doc_code"] + ":") in blocks[2] and
          ("INCLUDED as " + d2["code"] + ":") in blocks[3],
          "why CODE ENTRY URL: the three in order, the entry's text before its document (%r)" % r.stdout[:300])
    j, f, s_, i_ = e["code"].split("-")
    r = run("why", "--corpus", corpus, "%d-%s-%s-%s" % (int(j), f, s_, i_))
    check(r.returncode == 0 and r.stdout.startswith("entry " + e["code"]), "why %s, the jurisdiction in one digit" % e["code"])
    r = run("why", "--corpus", corpus, d["code"], "99-1", d["code"] + "-99-99", "33-x")
    lines = r.stderr.splitlines()
    check(r.returncode == 1 and ("INCLUDED as " + d["code"]) in r.stdout and len(lines) == 3 and
          all(a in l and "not in the corpus" in l for a, l in zip(("99-1", d["code"] + "-99-99", "33-x"), lines)),
          "why with codes not in the corpus: exit 1, each named, the others shown (%s)" % r.stderr.strip())
    refused(["why", "--corpus", corpus], "give URLs or codes")
    # a duplicate names its canonical copy's code (the mirror's truth says which copy it is)
    truth = [json.loads(l) for l in open(mirror + "/truth.jsonl", encoding="utf-8")]
    by_url = {x["url"]: x for x in docs}
    dups = [t for t in truth if t.get("reason") == "duplicate" and t["url"].split("/")[2] in SITES.split(",") and
            t["canonical_url"] in by_url]
    check(len(dups) >= 3, "the corpus holds duplicates whose canonical copy it includes (%d)" % len(dups))
    bad = []
    for t in dups[:5]:
        r = run("why", "--corpus", corpus, t["url"])
        want_line = "canonical copy: %s %s" % (by_url[t["canonical_url"]]["code"], t["canonical_url"])
        if r.returncode != 0 or "EXCLUDED (duplicate)" not in r.stdout or want_line not in r.stdout.splitlines():
            bad.append((t["url"], r.stdout[:200]))
    check(not bad, "why DUPLICATE: the canonical copy's code and URL (%s)" % bad[:1])

    # --site: a name that matches no site refused before any request; provinces' names accepted
    seeds_path = os.path.join(os.path.dirname(os.path.dirname(HERE)), "seeds", "sites.json")
    seeds = json.load(open(seeds_path))
    seeds = seeds["sites"] if isinstance(seeds, dict) else seeds
    zj = sum(1 for x in seeds if x["jurisdiction"] == "33")
    for name in ("浙江", "Zhejiang", "浙江省", "33", " 浙江 "):
        r = run("seeds", "check", "--seeds", seeds_path, "--site", name)
        check(r.returncode == 0 and ("%d sites" % zj) in r.stdout, "seeds check --site %r: Zhejiang's %d sites" % (name, zj))
    lines = open(log).read().count("\n") if os.path.exists(log) else 0
    refused(["crawl", "--seeds", seeds_path, "--corpus", work + "/c2", "--site", "www.zj.gov.c"], '"www.zj.gov.c"', "did you mean www.zj.gov.cn")
    refused(["crawl", "--seeds", seeds_path, "--corpus", work + "/c2", "--site", "wsjkw.zj.gov.cn,火星"], "火星", "no site of")
    refused(["seeds", "check", "--seeds", seeds_path, "--site", "Zhejang"], "Zhejang", "no site of")
    check((open(log).read().count("\n") if os.path.exists(log) else 0) == lines, "no request made by a refused --site")

    # a missing corpus: where the directory came from, never a crawl proposed
    r = subprocess.run([zc, "stats"], capture_output=True, text=True, cwd=work + "/..",
                       env={k: v for k, v in os.environ.items() if k != "ZHENGCE_CORPUS"})
    if not os.path.exists(os.path.join(work, "..", "corpus")):
        check(r.returncode == 1 and "the default" in r.stderr and "--corpus DIR" in r.stderr and "crawl" not in r.stderr,
              "no corpus at the default: " + r.stderr.strip())
    r = subprocess.run([zc, "stats"], capture_output=True, text=True, env=dict(os.environ, ZHENGCE_CORPUS=nocorpus))
    check(r.returncode == 1 and "$ZHENGCE_CORPUS" in r.stderr and nocorpus in r.stderr, "no corpus in $ZHENGCE_CORPUS: " +
          r.stderr.strip())

    print("%d failed" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
