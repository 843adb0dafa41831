#!/usr/bin/env python3
"""Exchange with QDA software through REFI-QDA: code export --qdpx / --qdc validate against the
standard's project and codebook structure (xmllint --schema, tests/fixtures/coding/*.xsd);
every selection's positions, counted in characters, cut the entry's own text out of the
source; the project imported back gives the same codings; and a project written here from the
standard's structure, as another program would (its own GUIDs and users, codes added under the
categories, Chinese text with characters outside the BMP before the selections, so that byte or
UTF-16 offsets would land elsewhere), imports with each selection on the right entry.

usage: qdpx.py ZHENGCE WORKDIR
"""
import csv
import json
import os
import re
import subprocess
import sys
import uuid
import zipfile
from xml.etree import ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mirror"))
from harness import Mirror, fresh_work  # noqa: E402

NS = "{urn:QDA-XML:project:1.0}"
fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def visible(s):
    return re.sub(r"[\t\n\r]", " ", s)


def main():
    zc, work = sys.argv[1], sys.argv[2]
    mirror, corpus, log = fresh_work(work)

    def run(*args):
        return subprocess.run([zc, "code", *args, "--corpus", corpus], capture_output=True, text=True)

    with Mirror(mirror, log=log) as srv:
        r = subprocess.run(srv.crawl_cmd(zc, corpus, extra=("--site", "wsjkw.zj.gov.cn")), capture_output=True, text=True)
        check(r.returncode == 0, "crawl: exit %d" % r.returncode)
    ents = [json.loads(l) for l in subprocess.run([zc, "entries", "--format", "jsonl", "--corpus", corpus],
                                                  capture_output=True, text=True).stdout.splitlines()]
    text = {e["code"]: e["text"] for e in ents}
    codes = [e["code"] for e in ents]
    # two coders, round 1; an open code beyond the closed list
    coded = {}
    for c, shift in (("A", 0), ("B", 1)):
        rows = [["entry", "共生单元", "共生模式", "共生界面"]]
        for i, e in enumerate(codes):
            unit = ["三级医院", "基层医疗卫生机构", "医务人员"][(i + shift) % 3]
            model = "县域医共体" if i % 2 else "城乡医疗卫生共同体"
            rows.append([e, unit, model, "远程服务" if i % 3 == 0 else ""])
            coded[(c, e)] = {"unit": [unit], "model": [model], "interface": ["远程服务"] if i % 3 == 0 else [], "environment": []}
        with open("%s/%s.csv" % (work, c), "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(rows)
        r = run("import", "%s/%s.csv" % (work, c), "--coder", c)
        check(r.returncode == 0, "import of %s: %s" % (c, r.stdout.strip()))

    r = run("export", "--qdpx", work + "/p.qdpx")
    check(r.returncode == 0, "code export --qdpx: " + (r.stdout + r.stderr).strip())
    r = subprocess.run([zc, "code", "export", "--qdc", work + "/c.qdc"], capture_output=True, text=True)
    check(r.returncode == 0, "code export --qdc")
    z = zipfile.ZipFile(work + "/p.qdpx")
    z.extractall(work + "/p")
    for f, xsd in ((work + "/p/project.qde", "refi-qda-project.xsd"), (work + "/c.qdc", "refi-qda-codebook.xsd")):
        v = subprocess.run(["xmllint", "--noout", "--schema", ROOT + "/tests/fixtures/coding/" + xsd, f], capture_output=True, text=True)
        check(v.returncode == 0, "%s validates against %s: %s" % (os.path.basename(f), xsd, v.stderr.strip()[-200:]))

    root = ET.parse(work + "/p/project.qde").getroot()
    users = {u.get("guid"): u.get("name") for u in root.iter(NS + "User")}
    code_of = {}
    for cat in root.find(NS + "CodeBook").find(NS + "Codes").findall(NS + "Code"):
        for c in cat.findall(NS + "Code"):
            code_of[c.get("guid")] = (cat.get("name"), c.get("name"))
    check(("共生模式", "城乡医疗卫生共同体") in code_of.values() and ("共生单元", "医务人员") in code_of.values(),
          "the codebook's codes and the codes coders wrote beyond it, under their categories")
    ok, nsel, got = True, 0, {}
    names = {"共生单元": "unit", "共生模式": "model", "共生环境": "environment", "共生界面": "interface"}
    for src in root.iter(NS + "TextSource"):
        body = open(work + "/p/sources/" + src.get("plainTextPath").split("internal://")[1], encoding="utf-8").read()
        for sel in src.findall(NS + "PlainTextSelection"):
            nsel += 1
            e = sel.get("name")
            a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
            ok &= body[a:b] == visible(text[e]).strip() or body[a:b] == visible(text[e])
            coder = users[sel.get("creatingUser")]
            d = got.setdefault((coder, e), {"unit": [], "model": [], "interface": [], "environment": []})
            for cd in sel.findall(NS + "Coding"):
                cat, name = code_of[cd.find(NS + "CodeRef").get("targetGUID")]
                d[names[cat]].append(name)
    check(ok and nsel == len(coded), "each of the %d selections cuts its entry's text out of the source, counted in characters" % nsel)
    check(got == coded, "each selection carries its coder's codes")

    r = run("import", "--qdpx", work + "/p.qdpx", "--round", "2")
    lst = lambda rd: sorted(l.split("\t", 3)[:2] + [l.split("\t", 3)[3]] for l in run("list", "--round", rd).stdout.splitlines())
    check(r.returncode == 0 and lst("1") == lst("2"), "the project imported back (round 2): the codings of round 1")

    # a project from another program: its own GUIDs, users and added codes; non-BMP characters
    e1, e2, e3 = codes[:3]
    line1 = "[%s] %s" % (e1, "𠀀𠀁𠀂《关于推进医疗联合体建设的指导意见》" * 8)
    line2 = "[%s] 三级医院牵头组建医联体，派驻专家到基层坐诊。" % e2
    line3 = "[%s] 建设远程会诊中心，推动检查检验结果互认。" % e3
    body = "\n".join([line1, line2, line3]) + "\n"
    g = lambda: str(uuid.uuid4()).upper()
    teacher, student = g(), g()
    cat = {n: g() for n in names}
    c_sanji, c_new, c_stray = g(), g(), g()
    start2 = len(line1) + 1
    start3 = start2 + len(line2) + 1
    s_a = (start2 + len("[%s] " % e2), start2 + len("[%s] 三级医院" % e2))            # 三级医院, in line 2
    s_b = (start3 - 5, start3 + len(line3) - 2)                                       # mostly line 3
    s_c = (s_a[0] + 2, s_a[0] + 6)                                                    # a code under no category
    s_d = (len(body) + 10, len(body) + 20)                                            # past the text
    P = "urn:QDA-XML:project:1.0"
    ET.register_namespace("", P)
    proj = ET.Element("{%s}Project" % P, {"name": "外部项目", "origin": "another program"})
    us = ET.SubElement(proj, "{%s}Users" % P)
    ET.SubElement(us, "{%s}User" % P, {"guid": teacher, "name": "王老师"})
    ET.SubElement(us, "{%s}User" % P, {"guid": student, "name": "李同学"})
    cs = ET.SubElement(ET.SubElement(proj, "{%s}CodeBook" % P), "{%s}Codes" % P)
    for n, gid in cat.items():
        c = ET.SubElement(cs, "{%s}Code" % P, {"guid": gid, "name": n, "isCodable": "false"})
        if n == "共生单元":
            ET.SubElement(c, "{%s}Code" % P, {"guid": c_sanji, "name": "三级医院", "isCodable": "true"})
        if n == "共生界面":
            ET.SubElement(c, "{%s}Code" % P, {"guid": c_new, "name": "远程会诊中心", "isCodable": "true"})
    ET.SubElement(cs, "{%s}Code" % P, {"guid": c_stray, "name": "其他", "isCodable": "true"})
    srcs = ET.SubElement(proj, "{%s}Sources" % P)
    src_guid = g()
    ts = ET.SubElement(srcs, "{%s}TextSource" % P, {"guid": src_guid, "name": "文件", "plainTextPath": "internal://%s.txt" % src_guid})
    for (a, b), code, user in ((s_a, c_sanji, teacher), (s_b, c_new, student), (s_c, c_stray, teacher), (s_d, c_sanji, teacher)):
        sel = ET.SubElement(ts, "{%s}PlainTextSelection" % P, {"guid": g(), "startPosition": str(a), "endPosition": str(b),
                                                               "creatingUser": user})
        cd = ET.SubElement(sel, "{%s}Coding" % P, {"guid": g(), "creatingUser": user})
        ET.SubElement(cd, "{%s}CodeRef" % P, {"targetGUID": code})
    with zipfile.ZipFile(work + "/other.qdpx", "w") as zf:
        zf.writestr("project.qde", ET.tostring(proj, encoding="utf-8", xml_declaration=True))
        zf.writestr("sources/%s.txt" % src_guid, body.encode("utf-8"))
    os.makedirs(work + "/o", exist_ok=True)
    with zipfile.ZipFile(work + "/other.qdpx") as zf:
        zf.extractall(work + "/o")
    v = subprocess.run(["xmllint", "--noout", "--schema", ROOT + "/tests/fixtures/coding/refi-qda-project.xsd",
                        work + "/o/project.qde"], capture_output=True, text=True)
    check(v.returncode == 0, "the other program's project validates too")
    r = run("import", "--qdpx", work + "/other.qdpx", "--round", "3")
    rows = {(l.split("\t")[0], l.split("\t")[1]): l for l in run("list", "--round", "3").stdout.splitlines()}
    check(set(rows) == {(e2, "王老师"), (e3, "李同学")} and "unit=三级医院" in rows.get((e2, "王老师"), "") and
          "interface=远程会诊中心" in rows.get((e3, "李同学"), ""),
          "each selection on its entry, counted in characters past non-BMP text: %s" % sorted(rows))
    check(r.returncode == 1 and '"其他"' in r.stderr and "under no category" in r.stderr and "outside its text" in r.stderr,
          "a code under no category and a selection past the text are reported: " + r.stderr.strip().replace("\n", " | ")[:300])
    r = subprocess.run([zc, "code", "import", "--qdpx", work + "/A.csv", "--corpus", corpus], capture_output=True, text=True)
    check(r.returncode == 1 and "not a zip archive" in r.stderr, "a file that is no project is refused, said so")

    print("%d checks failed" % len(fails) if fails else "all checks passed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
