#!/usr/bin/env python3
"""analyze, trace and the report's code sections against the mirror's own coding model: the
generator writes each included entry's final codes and relations (codes.jsonl, tests/mirror/
codes.py); this test puts them into the corpus through zhengce's coding (a coder's sheet filled
with them, imported, resolved), and compares what zhengce counts with what it counts
itself from codes.jsonl: the frequency tables by category, code, province, region and year; the
network's nodes, edges, weights, relations, degree and betweenness (networkx, Debian's
python3-networkx, as the independent implementation), read back from GEXF 1.3 and GraphML by
networkx; the Ochiai and Jaccard matrices; trace's entries for counts; the report's sections.

usage: analyze.py ZHENGCE WORKDIR   (with Debian's python3: python3-networkx)
"""
import collections
import csv
import io
import itertools
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

fails = []
REGION = {}
for name, codes in (("east", "11 12 13 31 32 33 35 37 44 46"), ("centre", "14 34 36 41 42 43"),
                    ("west", "15 45 50 51 52 53 54 61 62 63 64 65"), ("north-east", "21 22 23")):
    for c in codes.split():
        REGION[c] = name
REGION["00"] = "national"
CATS = ["unit", "model", "environment", "interface"]

# networkx 2.8 reads GEXF 1.1 and 1.2; 1.3 (what Gephi writes and reads today) differs from 1.2
# in its namespace only for what zhengce writes, so the reader is told that namespace
nx.readwrite.gexf.GEXF.versions["1.3"] = {
    "NS_GEXF": "http://gexf.net/1.3", "NS_VIZ": "http://gexf.net/1.3/viz",
    "NS_XSI": "http://www.w3.org/2001/XMLSchema-instance",
    "SCHEMALOCATION": "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd", "VERSION": "1.3"}


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def run(zc, *args, **kw):
    return subprocess.run([zc, *args], capture_output=True, text=True, **kw)


NAMES = {"共生单元": "unit", "共生模式": "model", "共生环境": "environment", "共生界面": "interface"}


def feed_codings(zc, corpus, work, rows):
    """the truth's final codes into the corpus: a coder's sheet (code sheet, CSV) filled with them,
    imported as two coders' (code import) who agree, and resolved (code resolve)"""
    by_entry = {r["entry"]: r for r in rows}
    sheet = work + "/sheet.csv"
    r = run(zc, "code", "sheet", "--corpus", corpus, "--codebook", ROOT + "/codebooks/symbiosis.json", "--coder", "truth",
            "-o", sheet)
    if r.returncode:
        return "code sheet: " + r.stderr.strip()
    table = list(csv.reader(io.StringIO(open(sheet, encoding="utf-8-sig").read())))
    head = table[0]
    filled = 0
    for row in table[1:]:
        truth = by_entry.get(row[head.index("entry")])
        if not truth:
            continue
        filled += 1
        for i, h in enumerate(head):
            if h in NAMES:
                row[i] = "；".join(truth["codes"][NAMES[h]])
            elif "A->B" in h:
                row[i] = "；".join("%s->%s" % (x["source"], x["target"]) for x in truth["relations"])
    if filled != len(rows):
        return "the sheet has %d of the %d coded entries" % (filled, len(rows))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(table)
    open(sheet, "w", encoding="utf-8-sig").write(buf.getvalue())
    for coder in ("甲", "乙"):	# two coders who agree on every entry
        r = run(zc, "code", "import", "--corpus", corpus, sheet, "--coder", coder, "--round", "1")
        if r.returncode:
            return "code import: " + (r.stderr or r.stdout).strip()[-300:]
    r = run(zc, "code", "resolve", "--corpus", corpus)
    return None if r.returncode == 0 else "code resolve: " + (r.stderr or r.stdout).strip()[-300:]


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work)
    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus), capture_output=True, text=True)
    check(r.returncode == 0, "crawl of the mirror")
    rows = [json.loads(l) for l in open(mirror + "/codes.jsonl", encoding="utf-8")]
    check(len(rows) == 1072, "the generator coded the 1072 entries (%d)" % len(rows))
    err = feed_codings(zc, corpus, work, rows)
    check(err is None, "the truth's codes imported as two agreeing coders' and resolved: %s" % err)
    if err:
        sys.exit(1)

    # 1. frequencies
    want = collections.Counter()
    for x in rows:
        for cat in CATS:
            if x["codes"][cat]:
                want[(cat, "", "", 0)] += 1
                want[(cat, "", REGION[x["jurisdiction"]], x["year"])] += 1
            for c in set(x["codes"][cat]):
                want[(cat, c, "", 0)] += 1
                want[(cat, c, REGION[x["jurisdiction"]], x["year"])] += 1
    got = collections.Counter()
    r = run(zc, "analyze", "--corpus", corpus, "--format", "json")
    for row in json.loads(r.stdout):
        got[(row["category"], row["code"], "", 0)] = row["entries"]
    r2 = run(zc, "analyze", "--corpus", corpus, "--by", "region,year", "--format", "csv")
    check(r2.stdout.startswith("\ufeff"), "analyze --format csv: UTF-8 with a BOM")
    for row in csv.DictReader(io.StringIO(r2.stdout.lstrip("\ufeff"))):
        got[(row["category"], row["code"], row["region"], int(row["year"]))] = int(row["entries"])
    check(got == want, "analyze: every category's and code's entries, in all and by region and year, as codes.jsonl has them "
          "(%d counts; unit %d, model %d, environment %d, interface %d)" % (
              len(want), want[("unit", "", "", 0)], want[("model", "", "", 0)], want[("environment", "", "", 0)],
              want[("interface", "", "", 0)]))
    r = run(zc, "analyze", "--corpus", corpus, "--by", "province", "--category", "共生单元", "--top", "2", "--format", "json")
    prov = json.loads(r.stdout)
    check(r.returncode == 0 and all(x["category"] == "unit" for x in prov) and
          max(collections.Counter(x["jurisdiction"] for x in prov).values()) == 3,
          "analyze --category by its name, --by province --top 2: a category row and two codes a province")

    # 2. the network of units
    nodes = collections.Counter()
    pair = collections.Counter()
    flow = collections.Counter()
    for x in rows:
        u = sorted(set(x["codes"]["unit"]))
        nodes.update(u)
        pair.update(itertools.combinations(u, 2))
        for rel in x["relations"]:
            flow[(rel["source"], rel["target"])] += 1
    g = nx.Graph()
    g.add_nodes_from(nodes)
    for (a, b), w in pair.items():
        g.add_edge(a, b, weight=w)
    btw = nx.betweenness_centrality(g, normalized=False)
    net = json.loads(run(zc, "analyze", "--corpus", corpus, "--network", "--format", "json").stdout)
    gn = {n["code"]: n for n in net["nodes"]}
    check({c: n["frequency"] for c, n in gn.items()} == dict(nodes), "network: the unit codes and their entries (%d nodes)" % len(nodes))
    check({c: n["degree"] for c, n in gn.items()} == dict(g.degree()), "network: degree as networkx counts it")
    check(all(abs(gn[c]["betweenness"] - btw[c]) < 1e-6 for c in gn), "network: betweenness as networkx computes it (%s)" %
          ", ".join("%s %.2f" % (c, btw[c]) for c in sorted(btw, key=lambda c: -btw[c])[:3]))
    check(all(abs(gn[c]["strength"] - g.degree(c, weight="weight")) < 1e-9 for c in gn), "network: strength (weighted degree)")
    ge = {}
    for e in net["edges"]:
        ge[frozenset((e["source"], e["target"]))] = e
    check({k: e["weight"] for k, e in ge.items()} == {frozenset(k): w for k, w in pair.items()},
          "network: an edge a pair of codes in one entry, weighted by entries (%d edges)" % len(pair))
    check(all(e["flows"] == flow[(e["source"], e["target"])] and e["flows_back"] == flow[(e["target"], e["source"])]
              for e in net["edges"]) and sum(flow.values()) == sum(e["flows"] + e["flows_back"] for e in net["edges"]),
          "network: the relations source->target on their edges (%d)" % sum(flow.values()))
    part = collections.defaultdict(set)
    for c, n in gn.items():
        part[n["community"]].add(c)
    q = nx.algorithms.community.modularity(g, list(part.values()), weight="weight")
    check(abs(q - net["modularity"]) < 1e-6 and len(part) >= 1, "network: Louvain's communities (%d) and their modularity %.4f, as "
          "networkx computes it for them" % (len(part), q))

    # read back by networkx: GEXF 1.3 and GraphML, the same nodes, edges and weights
    for fmt in ("gexf", "graphml"):
        path = "%s/units.%s" % (work, fmt)
        r = run(zc, "analyze", "--corpus", corpus, "--network", "--format", fmt, "-o", path)
        h = nx.read_gexf(path, version="1.3") if fmt == "gexf" else nx.read_graphml(path)
        back = collections.Counter()
        directed = collections.Counter()
        for a, b, d in h.edges(data=True):
            back[frozenset((a, b))] = int(d["weight"])
            directed[(a, b)] += 1
        lab = {n: h.nodes[n].get("label", n) for n in h.nodes}
        check(r.returncode == 0 and set(lab.values()) == set(nodes) and back == {frozenset(k): w for k, w in pair.items()},
              "%s: networkx reads %d nodes and %d edges with their weights" % (fmt, h.number_of_nodes(), len(back)))
        # a pair whose relations run one way is one directed edge; the others both ways
        one_way = {(s, t) for (s, t) in flow if (t, s) not in flow}
        check(h.is_directed() and all(directed[(s, t)] == 1 and directed[(t, s)] == 0 for (s, t) in one_way),
              "%s: directed where the relations run one way (%d edges)" % (fmt, len(one_way)))
        check(all(int(h.nodes[n]["frequency"]) == nodes[lab[n]] for n in h.nodes), "%s: node frequencies" % fmt)

    # matrices
    order = [n["code"] for n in net["nodes"]]
    for fmt, fn in (("ochiai", lambda c, a, b: c / math.sqrt(a * b)), ("jaccard", lambda c, a, b: c / (a + b - c))):
        m = list(csv.reader(io.StringIO(run(zc, "analyze", "--corpus", corpus, "--network", "--format", fmt).stdout.lstrip("\ufeff"))))
        ok = m[0][1:] == order
        for i, a in enumerate(order):
            for j, b in enumerate(order):
                c = nodes[a] if a == b else pair.get((a, b), pair.get((b, a), 0))
                ok = ok and abs(float(m[i + 1][j + 1]) - fn(c, nodes[a], nodes[b])) < 1e-4
        check(ok, "%s matrix as computed from codes.jsonl (%dx%d)" % (fmt, len(order), len(order)))

    # 3. trace: the entries behind counts
    top = max(nodes, key=lambda c: (nodes[c], c))
    tr = run(zc, "trace", "--corpus", corpus, "--category", "unit", "--code", top, "--format", "json")
    listed = [x["entry"] for x in json.loads(tr.stdout)]
    check(sorted(listed) == sorted(x["entry"] for x in rows if top in x["codes"]["unit"]),
          "trace --code %s: the %d entries behind its count, as codes.jsonl has them" % (top, nodes[top]))
    a, b = max(pair, key=lambda k: pair[k])
    tr = run(zc, "trace", "--corpus", corpus, "--category", "unit", "--code", a, "--with", b, "--region", "east", "--format", "json")
    want_e = [x["entry"] for x in rows if a in x["codes"]["unit"] and b in x["codes"]["unit"] and REGION[x["jurisdiction"]] == "east"]
    check(sorted(x["entry"] for x in json.loads(tr.stdout)) == sorted(want_e),
          "trace --code %s --with %s --region east: the %d entries of that edge in the east" % (a, b, len(want_e)))
    bad = run(zc, "trace", "--corpus", corpus, "--category", "units")
    check(bad.returncode == 2 and "unit" in bad.stderr, "trace of an unknown category: exit 2, the categories named")

    # 4. the report's sections on the codes, and the network figure
    figs = work + "/figures"
    r = run(zc, "report", "--corpus", corpus, "-o", work + "/report.html", "--figures", figs)
    html = open(work + "/report.html", encoding="utf-8").read()
    check(r.returncode == 0 and "Cooperation network" in html and html.count("<svg") == 5, "report: a fifth figure, the network")
    agree = __import__("re").findall(r'<tr data-round="1"><td>1</td><td>overall[^<]*</td><td>(\d+)</td><td>2</td><td>([0-9.]+)</td>', html)
    # overall pools the units of every category and of the units' relations: 1072 entries x 5
    check(agree and agree[0] == (str(1072 * 5), "1.000"), "report: agreement by round, round 1 overall: 1072 entries in 5 "
          "categories (relations one), 2 coders, percent agreement 1.000 (%s)" % agree)
    counts = {c: int(v) for c, v in __import__("re").findall(r'data-category="(\w+)" data-count="(\d+)"', html)}
    check(counts == {c: want[(c, "", "", 0)] for c in CATS}, "report: each category's entries (%s)" % counts)
    svg = ET.parse(figs + "/figure4-network-unit.svg").getroot()
    dots = {e.get("data-code"): int(e.get("data-count")) for e in svg.iter() if e.get("data-code")}
    check(dots == dict(nodes), "--figures: the network's SVG, a node a code with its entries")
    if fails:
        print("FAILED: %d checks" % len(fails))
        sys.exit(1)
    print("analyze: all checks passed")


if __name__ == "__main__":
    main()
