"""The mirror's own model of how the included entries are coded: the final codes a study's two
coders would agree on, written as codes.jsonl beside truth.jsonl, one line an entry:

    {"entry": "33-12-2-1", "jurisdiction": "33", "year": 2017,
     "codes": {"unit": [...], "model": [...], "environment": [...], "interface": [...]},
     "relations": [{"category": "unit", "source": "三级医院", "target": "基层医疗卫生机构"}, ...]}

The codes are the reference study's four categories of symbiosis theory with the second-level
codes it reports (the lists below, the same as codebooks/symbiosis.json's closed lists). An entry
holds every code its text names (a word of CUES) and, from a random stream of its own (seed,
entry code), with the chance of the study's share of the category (of 1,072 entries, 697 held
a unit, 746 a model, 442 an environment, 905 an interface), more codes drawn up to a number of
its own. Relations are directed between two units of
the entry, from the one that gives resources to the one that receives (RANK): what the coders
record as source -> target. Tests compute frequencies and the network from this file alone.
"""
import json
import os
import random

CODES = {
    "unit": ["政府", "三级医院", "二级医院", "基层医疗卫生机构", "专业公共卫生机构", "医务人员", "患者", "社会办医"],
    "model": ["城市医疗集团", "县域医共体", "专科联盟", "远程医疗协作网", "对口支援", "医联体", "区域医疗中心"],
    "environment": ["财政投入", "医保支付", "价格政策", "人事薪酬", "信息化", "考核监管", "组织领导"],
    "interface": ["人员下沉", "双向转诊", "远程服务", "技术帮扶", "资源共享", "管理一体化"],
}
# how likely an entry holds a category at all (the study's shares), and how many codes at most
SHARE = {"unit": 697 / 1072, "model": 746 / 1072, "environment": 442 / 1072, "interface": 905 / 1072}
MOST = {"unit": 4, "model": 2, "environment": 3, "interface": 3}
# weights of the codes drawn (the commoner codes first in each list are drawn more often)
WEIGHTS = {c: [len(v) - i + 1 for i in range(len(v))] for c, v in CODES.items()}
# words of an entry's text that make a code certain
CUES = {
    ("unit", "三级医院"): ["三级医院"], ("unit", "二级医院"): ["县级医院"],
    ("unit", "基层医疗卫生机构"): ["基层医疗卫生机构", "基层"], ("unit", "医务人员"): ["医务人员", "技术人员"],
    ("unit", "患者"): ["患者", "居民"], ("unit", "政府"): ["政府"],
    ("model", "城市医疗集团"): ["城市医疗集团"], ("model", "县域医共体"): ["医共体"],
    ("model", "专科联盟"): ["专科联盟"], ("model", "远程医疗协作网"): ["远程医疗协作网"],
    ("model", "对口支援"): ["对口支援", "对口帮扶"], ("model", "医联体"): ["医联体"],
    ("model", "区域医疗中心"): ["区域医疗中心"],
    ("environment", "财政投入"): ["财政投入"], ("environment", "价格政策"): ["价格政策"],
    ("environment", "人事薪酬"): ["薪酬"], ("environment", "信息化"): ["信息化"],
    ("environment", "考核监管"): ["考核", "督导"], ("environment", "组织领导"): ["组织领导"],
    ("interface", "人员下沉"): ["派驻", "到基层服务"], ("interface", "双向转诊"): ["双向转诊"],
    ("interface", "远程服务"): ["远程会诊"], ("interface", "技术帮扶"): ["人才队伍"],
    ("interface", "资源共享"): ["互认", "互通共享"], ("interface", "管理一体化"): ["一体化管理"],
}
# the units form two groups that meet in 三级医院 (an entry draws its units from one group): the
# hospitals and their owners, and primary care with its staff and patients; so the network has
# communities and a code between them, whose betweenness a test can check
UNIT_GROUPS = [["政府", "三级医院", "二级医院", "社会办医", "专业公共卫生机构"],
               ["三级医院", "基层医疗卫生机构", "医务人员", "患者"]]
# who gives to whom: a relation goes from the lower rank to the higher
RANK = {"政府": 0, "三级医院": 1, "二级医院": 2, "专业公共卫生机构": 2, "社会办医": 3, "医务人员": 3,
        "基层医疗卫生机构": 4, "患者": 5}


def code_entry(seed, entry, text):
    rng = random.Random("zhengce-codes-%d-%s" % (seed, entry))
    codes = {}
    group = UNIT_GROUPS[rng.randrange(2)]
    for cat, names in CODES.items():
        if cat == "unit":
            names = group
        held = [n for n in names if any(w in text for w in CUES.get((cat, n), ()))]
        if rng.random() < SHARE[cat]:
            want = min(rng.randint(1, MOST[cat]), len(names))
            while len(held) < want:
                pick = rng.choices(names, weights=[WEIGHTS[cat][CODES[cat].index(n)] for n in names])[0]
                if pick not in held:
                    held.append(pick)
        codes[cat] = held
    relations = []
    units = codes["unit"]
    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            a, b = units[i], units[j]
            if RANK[a] == RANK[b] or rng.random() < 0.35:
                continue
            src, dst = (a, b) if RANK[a] < RANK[b] else (b, a)
            relations.append({"category": "unit", "source": src, "target": dst})
    return codes, relations


def write_codes(out, seed, truth):
    """codes.jsonl for the included documents of truth (rows of truth.jsonl), in entry order"""
    rows = []
    for t in truth:
        if t.get("decision") != "included":
            continue
        for e in t["entries"]:
            codes, relations = code_entry(seed, e["code"], e["text"])
            rows.append({"entry": e["code"], "jurisdiction": t["jurisdiction"], "year": t["year"],
                         "codes": codes, "relations": relations})
    rows.sort(key=lambda r: tuple(int(x) for x in r["entry"].split("-")))
    with open(os.path.join(out, "codes.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    return rows
