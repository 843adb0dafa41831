"""Generate the offline mirror: 64 government sites, their search answers, lists, articles,
robots.txt, a TLS CA, and truth.jsonl (what a perfect tool extracts and decides per article).

Deterministic: everything derives from one random.Random(seed); files are written in sorted
order with fixed contents, so the same seed gives a byte-identical tree.  The ground truth is
written from the generator's own model of each document, never by running zhengce.
"""
import hashlib
import json
import os
import random
import shutil
import subprocess

from sites import PROVINCES, MUNICIPALITIES, ROBOTS, build_sites

START, END = "2009-06-18", "2024-10-31"

# ---- the reference study's shape (DESIGN.md section 1) -------------------------------------
NATIONAL_BY_YEAR = {2015: 5, 2016: 2, 2017: 2, 2018: 4, 2019: 5, 2020: 5, 2021: 7, 2022: 5,
                    2023: 8, 2024: 3}
NATIONAL_ENTRIES = 62
PROVINCE_TOTALS = {
    "11": 22, "12": 16, "13": 41, "37": 21, "32": 23, "31": 29, "33": 30, "35": 33, "44": 18,
    "46": 19, "62": 37, "65": 1,
    # not published: spread over the remaining 19 provinces roughly by population and the
    # size of their health systems (see tests/mirror/README.md)
    "14": 12, "15": 10, "21": 13, "22": 11, "23": 12, "34": 24, "36": 15, "41": 21, "42": 17,
    "43": 16, "45": 14, "50": 15, "51": 25, "52": 14, "53": 13, "54": 6, "61": 16, "63": 8,
    "64": 11,
}
# provincial documents per year: peak 2017 = 88 (not published apart from the peak; a curve
# rising with the 2015-2017 医联体 policies and levelling off)
PROVINCIAL_BY_YEAR = {2009: 1, 2010: 3, 2011: 4, 2012: 6, 2013: 8, 2014: 12, 2015: 25, 2016: 50,
                      2017: 88, 2018: 70, 2019: 62, 2020: 55, 2021: 60, 2022: 50, 2023: 45,
                      2024: 24}
FIXED_CELLS = {("33", 2017): 8, ("14", 2022): 3, ("31", 2023): 11, ("62", 2021): 7,
               ("37", 2009): 1}
PROVINCIAL_ENTRIES = 1010
GANSU_ENTRIES = 77

TOPIC_KEYWORDS = ["资源下沉", "纵向", "流动", "医疗资源", "支援", "帮扶", "联盟", "区域医疗中心",
                  "专科联盟", "医联体", "医疗联合体", "医疗集团", "医共体", "医疗共同体"]
SEARCH_KEYWORDS = ["资源下沉", "纵向", "医疗资源", "支援", "帮扶", "联盟", "区域医疗中心",
                   "专科联盟", "医联体", "医疗集团", "医共体"]

# subjects of on-topic documents (each holds a topic keyword)
SUBJECTS = [
    "医疗联合体建设和发展", "城市医疗集团建设试点", "紧密型县域医共体建设", "优质医疗资源下沉",
    "区域医疗中心建设", "专科联盟建设", "城乡医院对口支援", "三级医院对口帮扶贫困县县级医院",
    "医联体网格化布局管理", "县域医疗共同体建设", "医疗资源纵向整合", "国家区域医疗中心建设试点",
    "城市医联体综合绩效考核", "医疗卫生人才柔性流动", "远程医疗协作网与专科联盟",
    "县级医院与乡镇卫生院医共体一体化管理", "优质医疗资源扩容和区域均衡布局",
    "对口支援乡镇卫生院", "儿科专科联盟", "中医医联体建设",
]
QUALIFIERS = ["", "（试行）", "（2016—2020年）", "（2021—2025年）", "的补充", "工作", "三年行动",
              "评估", "的若干", "试点工作", "示范创建", "考核"]
# title wrappers by document type; {s} is the subject
TITLE_FORMS = [
    ("通知", "关于印发{s}{q}实施方案的通知"), ("通知", "关于开展{s}{q}的通知"),
    ("意见", "关于推进{s}{q}的实施意见"), ("意见", "关于加快{s}{q}的指导意见"),
    ("方案", "{p}{s}{q}实施方案"), ("措施", "关于促进{s}{q}的若干措施"),
    ("办法", "{p}{s}{q}管理办法"), ("规划", "{p}{s}{q}发展规划"), ("计划", "{p}{s}{q}工作计划"),
    ("细则", "{p}{s}{q}实施细则"), ("规定", "关于{s}{q}的有关规定"),
]

# filler sentences: never a topic keyword, never 医/卫生/健康 in OFF_FILLER
HEALTH_FILLER = [
    "各地要加强组织领导，明确责任分工，确保各项任务落到实处。",
    "完善财政投入保障机制，落实政府办医责任。",
    "加强基层医疗卫生机构标准化建设，提升服务能力。",
    "健全分级诊疗制度，推动形成科学有序的就医格局。",
    "建立健全绩效考核机制，将考核结果与薪酬分配挂钩。",
    "加强信息化建设，推进电子病历和居民电子健康档案互通共享。",
    "做好宣传引导，及时总结推广典型经验。",
    "加强人才队伍建设，完善培养使用激励机制。",
    "落实药品耗材集中采购政策，规范诊疗行为。",
    "强化公共卫生服务，做好重点人群健康管理。",
    "各级卫生健康行政部门要加强督导检查，定期通报进展情况。",
    "完善价格政策，理顺服务比价关系。",
]
OFF_FILLER = [
    "各地要加强组织领导，明确责任分工，确保各项任务落到实处。",
    "完善财政投入保障机制，加大政策支持力度。",
    "推进产业链上下游协同，培育一批龙头企业。",
    "优化营商环境，落实减税降费政策。",
    "加强农田水利基础设施建设，提升粮食综合生产能力。",
    "做好宣传引导，及时总结推广典型经验。",
    "推动科技成果转化，完善知识产权保护制度。",
]
TOPIC_SENTENCES = [
    "以医联体建设为抓手，推动优质医疗资源下沉和区域均衡布局。",
    "城市三级医院牵头组建城市医疗集团，实行网格化管理。",
    "在县域推进紧密型医共体建设，实现县乡一体化管理。",
    "鼓励以专科协作为纽带组建专科联盟，提升重大疾病救治能力。",
    "三级医院要对口帮扶县级医院，派驻管理和技术人员。",
    "建立城乡医院对口支援长效机制，完善考核评价。",
    "促进医疗资源纵向流动，引导医务人员到基层服务。",
    "加快建设区域医疗中心，减少患者跨区域就医。",
    "推动医联体内检查检验结果互认和双向转诊。",
    "发展专科联盟和远程医疗协作网，由牵头医院向基层提供远程会诊服务。",
]
SECTION_HEADS = ["总体要求", "主要任务", "重点工作", "组织实施", "保障措施", "工作目标",
                 "基本原则", "实施步骤", "监督考核", "工作要求"]
ITEM_HEADS = ["加强统筹规划", "完善管理机制", "强化人才支撑", "提升服务能力", "推进信息共享",
              "落实财政投入", "健全考核评价", "加强宣传引导", "明确职责分工", "严格监督管理"]
CN_NUM = "零一二三四五六七八九十"


def cn_number(n):
    if n <= 10:
        return CN_NUM[n] if n < 10 else "十"
    if n < 20:
        return "十" + CN_NUM[n - 10]
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


def cn_date(iso, zero="〇"):
    y, m, d = iso.split("-")
    ys = "".join(zero if c == "0" else CN_NUM[int(c)] for c in y)
    return "%s年%s月%s日" % (ys, cn_number(int(m)), cn_number(int(d)))


def add_days(iso, n):
    import datetime
    d = datetime.date.fromisoformat(iso) + datetime.timedelta(days=n)
    return d.isoformat()


def random_date(rng, year, lo=None, hi=None):
    import datetime
    a = datetime.date(year, 1, 5) if lo is None else datetime.date.fromisoformat(lo)
    b = datetime.date(year, 12, 20) if hi is None else datetime.date.fromisoformat(hi)
    return (a + datetime.timedelta(days=rng.randrange((b - a).days + 1))).isoformat()


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# ---- issuers by era ---------------------------------------------------------------------
def national_hc_name(date):
    if date < "2013-03-20":
        return "卫生部", "卫医政发"
    if date < "2018-03-27":
        return "国家卫生计生委", "国卫医发"
    return "国家卫生健康委", "国卫医发"


def provincial_hc_name(code, full, date):
    if date < "2014-06-01":
        return full + ("卫生局" if code in MUNICIPALITIES else "卫生厅")
    if date < "2018-11-01":
        return full + "卫生和计划生育委员会"
    return full + "卫生健康委员会"


class Universe:
    def __init__(self, seed, scale):
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.sites = build_sites()
        self.site_by_host = {s["host"]: s for s in self.sites}
        self.docs = []          # logical documents
        self.pages = []         # article pages (a document can have several)
        self.docno_seq = {}
        self.used_titles = set()
        self.used_dates = {}
        self.ids = 0

    # -- allocation -------------------------------------------------------------------------
    def allocate_provincial(self):
        rng = self.rng
        cells = {}
        remaining_year = dict(PROVINCIAL_BY_YEAR)
        remaining_prov = dict((c, PROVINCE_TOTALS[c]) for c in PROVINCE_TOTALS)
        forbidden = {}
        for (c, y), n in FIXED_CELLS.items():
            cells[(c, y)] = n
            remaining_year[y] -= n
            remaining_prov[c] -= n
            forbidden.setdefault(c, set()).add(y)
        order = sorted(remaining_prov, key=lambda c: (c not in forbidden, -remaining_prov[c], c))
        for c in order:
            for _ in range(remaining_prov[c]):
                years = [y for y in sorted(remaining_year)
                         if remaining_year[y] > 0 and y not in forbidden.get(c, ())]
                weights = [remaining_year[y] for y in years]
                y = rng.choices(years, weights)[0]
                cells[(c, y)] = cells.get((c, y), 0) + 1
                remaining_year[y] -= 1
        assert all(v == 0 for v in remaining_year.values()), remaining_year
        return cells

    def unique_date(self, juris, year, lo=None, hi=None):
        used = self.used_dates.setdefault(juris, set())
        for _ in range(1000):
            d = random_date(self.rng, year, lo, hi)
            if d not in used:
                used.add(d)
                return d
        raise RuntimeError("no free date")

    def next_docno(self, prefix, year):
        k = (prefix, year)
        self.docno_seq[k] = self.docno_seq.get(k, 0) + self.rng.randint(1, 6)
        return "%s〔%d〕%d号" % (prefix, year, self.docno_seq[k])

    def make_title(self, place, ns=None, subjects=SUBJECTS, forms=TITLE_FORMS):
        for _ in range(2000):
            typ, form = self.rng.choice(forms)
            t = form.format(s=self.rng.choice(subjects), q=self.rng.choice(QUALIFIERS), p=place)
            if (ns, t) not in self.used_titles:
                self.used_titles.add((ns, t))
                return typ, t
        raise RuntimeError("titles exhausted")

    # -- bodies -----------------------------------------------------------------------------
    def outline_body(self, k, topic=True):
        """Paragraph list with an outline; k leaf units mention the topic.  Returns
        (paragraphs, entries) where entries are 'section-item' codes."""
        rng = self.rng
        nsec = rng.randint(max(3, min(k, 3)), 7)
        plan = []
        for s in range(1, nsec + 1):
            plan.append(rng.choice([0, 0, 2, 3, 4]))
        leaves = [(s + 1, i + 1) for s, n in enumerate(plan) for i in range(n)]
        leaves += [(s + 1, 0) for s, n in enumerate(plan) if n == 0]
        while len(leaves) < k:
            plan.append(3)
            s = len(plan)
            leaves += [(s, 1), (s, 2), (s, 3)]
        chosen = set(rng.sample(leaves, k)) if topic else set()
        filler = HEALTH_FILLER
        paras = ["为深入贯彻落实党中央、国务院决策部署，结合实际，现提出如下意见。"]
        heads = rng.sample(SECTION_HEADS, min(len(SECTION_HEADS), len(plan)))
        while len(heads) < len(plan):
            heads.append(rng.choice(SECTION_HEADS))
        paren_style = rng.random() < 0.15   # half-width brackets "(一)" on some pages
        for s, n in enumerate(plan, 1):
            paras.append("%s、%s" % (cn_number(s), heads[s - 1]))
            if n == 0:
                txt = "".join(rng.sample(filler, 2))
                if (s, 0) in chosen:
                    txt = rng.choice(TOPIC_SENTENCES) + txt
                paras.append(txt)
                continue
            for i in range(1, n + 1):
                lab = ("(%s)" if paren_style else "（%s）") % cn_number(i)
                txt = rng.choice(filler)
                if (s, i) in chosen:
                    txt = rng.choice(TOPIC_SENTENCES) + txt
                paras.append("%s%s。%s" % (lab, rng.choice(ITEM_HEADS), txt))
                if rng.random() < 0.2:
                    paras.append("1.%s" % rng.choice(filler))
                    paras.append("2.%s" % rng.choice(filler))
        entries = sorted("%d-%d" % c for c in chosen)
        entries.sort(key=lambda e: tuple(int(x) for x in e.split("-")))
        return paras, entries

    def plain_body(self, topic=True, off=False):
        rng = self.rng
        filler = OFF_FILLER if off else HEALTH_FILLER
        paras = []
        for _ in range(rng.randint(2, 4)):
            paras.append("".join(rng.sample(filler, 2)))
        if topic:
            paras.insert(1, rng.choice(TOPIC_SENTENCES))
        return paras

    # -- documents --------------------------------------------------------------------------
    def new_doc(self, **kw):
        self.ids += 1
        d = {"id": self.ids, "validity": "", "attachments": [], "entries": [], "decision": "",
             "reason": "", "column": "政策文件", "column_type": "政策文件", "news": False}
        d.update(kw)
        self.docs.append(d)
        return d

    def included_national(self):
        rng = self.rng
        docs = []
        for y, n in sorted(NATIONAL_BY_YEAR.items()):
            for _ in range(n):
                docs.append(y)
        extras = NATIONAL_ENTRIES - len(docs)
        kcount = self.spread(len(docs), extras)
        out = []
        for y, k in zip(docs, kcount):
            hi = END if y == 2024 else None
            date = self.unique_date("00", y, hi=hi)
            gov = rng.random() < 0.35
            if gov:
                issuers = [rng.choice(["国务院办公厅", "国务院"])]
                prefix = "国办发" if issuers[0] == "国务院办公厅" else "国发"
                host = "www.gov.cn"
            else:
                name, prefix = national_hc_name(date)
                prefix = rng.choice([prefix, "国卫办医发", "国卫基层发"]) if date >= "2013-03-20" else prefix
                issuers = [name]
                if rng.random() < 0.25:
                    issuers.append(rng.choice(["国家中医药局", "国家医保局", "国家发展改革委"]))
                host = "www.nhc.gov.cn"
            out.append(self.make_included("00", "国务院" if gov else "", issuers, prefix, date, k, host))
        # the last national document closes the range
        return out

    def spread(self, n, extras, cap=4):
        k = [1] * n
        for _ in range(extras):
            while True:
                i = self.rng.randrange(n)
                if k[i] < 1 + cap:
                    k[i] += 1
                    break
        return k

    def make_included(self, juris, place, issuers, prefix, date, k, host, attach_ok=True):
        rng = self.rng
        typ, title = self.make_title(place, ns=juris)
        if juris != "00" and title.startswith("关于") and rng.random() < 0.6:
            title = issuers[0] + title
        docno = self.next_docno(prefix, int(date[:4])) if rng.random() < 0.88 else ""
        published = add_days(date, rng.randint(0, 20))
        if published > END:
            published = END
        if k == 1 and attach_ok and rng.random() < 0.12:
            paras = ["现将《%s》印发给你们，请结合实际认真贯彻执行。" % title.replace("关于印发", "").replace("的通知", "")]
            attachments = [{"name": "附件：%s.pdf" % title[:12], "path": "P%06d.pdf" % (self.ids + 1)}]
            entries = ["0-0"]
        elif k == 1 and rng.random() < 0.3:
            paras = self.plain_body()
            attachments, entries = [], ["0-0"]
        else:
            paras, entries = self.outline_body(k)
            attachments = []
        # every included document can be found by the study's search keywords
        if not any(k in title + "".join(paras) for k in SEARCH_KEYWORDS):
            paras[0] = "为推动优质医疗资源下沉，" + paras[0]
        return self.new_doc(juris=juris, title=title, type=typ, docno=docno, issuers=issuers,
                            written=date, published=published, paras=paras, entries=entries,
                            attachments=attachments, home=host, decision="included", reason="")

    def included_provincial(self):
        rng = self.rng
        cells = self.allocate_provincial()
        prov = {p[0]: p for p in PROVINCES}
        out = []
        by_juris = {}
        for (c, y), n in sorted(cells.items()):
            by_juris.setdefault(c, []).extend([y] * n)
        # entries: Gansu 77 over its 37; the rest of the provinces share 1010 - 77
        others = [c for c in sorted(by_juris) if c != "62"]
        n_other = sum(len(by_juris[c]) for c in others)
        k_other = self.spread(n_other, PROVINCIAL_ENTRIES - GANSU_ENTRIES - n_other)
        k_gansu = self.spread(len(by_juris["62"]), GANSU_ENTRIES - len(by_juris["62"]))
        ki = 0
        # one provincial document closes the range on 2024-10-31
        end_juris = rng.choice(sorted(c for c in by_juris if 2024 in by_juris[c]))
        for c in sorted(by_juris):
            code, full, short, abbr, portal, hc = prov[c]
            for j, y in enumerate(sorted(by_juris[c])):
                if c == "62":
                    k = k_gansu[j]
                else:
                    k = k_other[ki]
                    ki += 1
                if (c, y) == ("37", 2009) or (c == end_juris and y == 2024 and END not in self.used_dates.get(c, ())):
                    date = START if y == 2009 else END
                    self.used_dates.setdefault(c, set()).add(date)
                else:
                    lo = "2009-07-01" if y == 2009 else None
                    date = self.unique_date(c, y, lo=lo, hi="2024-10-30" if y == 2024 else None)
                gov = rng.random() < 0.4
                if gov:
                    issuers = [full + rng.choice(["人民政府", "人民政府办公厅"])]
                    prefix = abbr + ("政发" if issuers[0].endswith("政府") else "政办发")
                    host = portal
                else:
                    issuers = [provincial_hc_name(c, full, date)]
                    prefix = abbr + rng.choice(["卫发", "卫办发", "卫医发"])
                    if rng.random() < 0.15:
                        issuers.append(full + rng.choice(["医疗保障局", "财政厅", "中医药管理局"]))
                    host = hc
                out.append(self.make_included(c, full, issuers, prefix, date, k, host))
        return out

    # -- distractors ------------------------------------------------------------------------
    def distractors(self, included):
        """The hard cases around the study's documents.  Returns them; each says its reason."""
        rng = self.rng
        prov = {p[0]: p for p in PROVINCES}
        out = []
        juris_all = ["00"] + [p[0] for p in PROVINCES]

        def place_of(j):
            return "" if j == "00" else prov[j][1]

        def hosts_of(j):
            if j == "00":
                return "www.gov.cn", "www.nhc.gov.cn"
            return prov[j][4], prov[j][5]

        def hc_issuer(j, date):
            return national_hc_name(date)[0] if j == "00" else provincial_hc_name(j, prov[j][1], date)

        def gov_issuer(j):
            return "国务院办公厅" if j == "00" else prov[j][1] + "人民政府办公厅"

        def prefix_of(j, gov):
            if j == "00":
                return "国办发" if gov else "国卫医发"
            return prov[j][3] + ("政办发" if gov else "卫发")

        def year_date(j, lo=2012, hi=2024):
            y = rng.randint(lo, hi)
            return self.unique_date(j, y, hi=END if y == 2024 else None)

        for rep in range(self.scale):
            for j in juris_all:
                gov_host, hc_host = hosts_of(j)
                place = place_of(j)
                # interpretation by title
                d = year_date(j)
                base = rng.choice(included)
                t = "《%s》政策解读" % base["title"]
                if rng.random() < 0.3:
                    t = "一图读懂《%s》" % base["title"]
                out.append(self.new_doc(juris=j, title=t, type="解读", docno="", issuers=[hc_issuer(j, d)],
                                        written=d, published=d, paras=self.plain_body(), home=hc_host,
                                        decision="excluded", reason="interpretation", column="政策解读",
                                        column_type="政策解读"))
                # interpretation only by ColumnType
                if rng.random() < 0.5:
                    d = year_date(j)
                    t = "%s问与答" % rng.choice(SUBJECTS) if rng.random() < 0.5 else "图说%s" % rng.choice(SUBJECTS)
                    if rng.random() < 0.5:
                        t = "《%s》要点" % rng.choice(included)["title"]
                    out.append(self.new_doc(juris=j, title=t, type="解读", docno="", issuers=[hc_issuer(j, d)],
                                            written=d, published=d, paras=self.plain_body(), home=gov_host,
                                            decision="excluded", reason="interpretation", column="政策解读",
                                            column_type="政策解读"))
                # forwarded
                if j != "00":
                    d = year_date(j)
                    typ, inner = self.make_title("", ns=("fw", j))
                    t = "%s关于转发国家卫生健康委%s" % (hc_issuer(j, d), inner)
                    if rng.random() < 0.4:
                        t = "转发国务院办公厅%s" % inner
                    out.append(self.new_doc(juris=j, title=t, type="转发", docno=self.next_docno(prefix_of(j, False), int(d[:4])),
                                            issuers=[hc_issuer(j, d)], written=d, published=d,
                                            paras=self.plain_body(), home=hc_host, decision="excluded",
                                            reason="forwarded"))
                # invalid by its own page
                d = year_date(j, 2010, 2019)
                typ, t = self.make_title(place, ns=j)
                gov = rng.random() < 0.5
                paras, _ = self.outline_body(1)
                out.append(self.new_doc(juris=j, title=t, type=typ, docno=self.next_docno(prefix_of(j, gov), int(d[:4])),
                                        issuers=[gov_issuer(j) if gov else hc_issuer(j, d)], written=d,
                                        published=d, paras=paras, home=gov_host if gov else hc_host,
                                        validity=rng.choice(["失效", "废止"]), decision="excluded",
                                        reason="invalid", needs_table=True))
                # other departments alone
                d = year_date(j)
                typ, t = self.make_title(place, ns=j)
                dept = ("国家医保局" if rng.random() < 0.5 else "国家发展改革委") if j == "00" else \
                    place + rng.choice(["医疗保障局", "发展和改革委员会"])
                out.append(self.new_doc(juris=j, title=t, type=typ, docno=self.next_docno(prov[j][3] + "医保发" if j != "00" else "医保发", int(d[:4])),
                                        issuers=[dept], written=d, published=d, paras=self.outline_body(2)[0],
                                        home=gov_host, decision="excluded", reason="issuer"))
                # news about a policy
                d = year_date(j)
                t = "%s召开%s推进会" % (place or "全国", rng.choice(SUBJECTS))
                if t in self.used_titles:
                    t = t.replace("推进会", "现场会")
                self.used_titles.add(t)
                out.append(self.new_doc(juris=j, title=t, type="新闻", docno="", issuers=[hc_issuer(j, d)],
                                        written=d, published=d, paras=self.plain_body(), home=hc_host,
                                        decision="excluded", reason="type", column="工作动态",
                                        column_type="工作动态", news=True))
                # keyword hit, off topic (no health context)
                d = year_date(j)
                t = "%s关于%s%s的意见" % (place or "国务院办公厅", rng.choice(["推进农业产业联盟", "加强东西部协作帮扶产业", "支援边疆地区基础设施", "促进要素纵向流动"]),
                                        rng.choice(["发展", "建设", "工作"]))
                if t in self.used_titles:
                    t = t.replace("的意见", "的实施意见")
                self.used_titles.add(t)
                paras = self.plain_body(topic=False, off=True)
                paras.insert(1, rng.choice(["鼓励组建农业产业联盟，带动农户增收。", "深化东西部协作和对口支援，推动产业转移。",
                                            "完善帮扶机制，巩固拓展脱贫攻坚成果。"]))
                out.append(self.new_doc(juris=j, title=t, type="意见", docno=self.next_docno(prefix_of(j, True), int(d[:4])),
                                        issuers=[gov_issuer(j)], written=d, published=d, paras=paras,
                                        home=gov_host, decision="excluded", reason="off-topic"))
                # out of range: after the study's cut-off, or before 2009
                late = rng.random() < 0.6
                y = rng.choice([2025, 2026]) if late else rng.choice([2006, 2007, 2008])
                d = self.unique_date(j, y, hi="%d-10-31" % y if late else None)
                typ, t = self.make_title(place, ns=j)
                gov = rng.random() < 0.5
                iss = gov_issuer(j) if gov else hc_issuer(j, d)
                out.append(self.new_doc(juris=j, title=t, type=typ, docno=self.next_docno(prefix_of(j, gov), y),
                                        issuers=[iss], written=d, published=d, paras=self.outline_body(2)[0],
                                        home=gov_host if gov else hc_host, decision="excluded", reason="out-of-range"))
                # health but off topic (no keyword): only list sites can see it
                d = year_date(j)
                t = "%s关于做好%s的通知" % (hc_issuer(j, d), rng.choice(["流感疫苗接种工作", "冬春季传染病防控", "职业病防治宣传周活动", "爱国卫生月活动"]))
                if t not in self.used_titles:
                    self.used_titles.add(t)
                    out.append(self.new_doc(juris=j, title=t, type="通知", docno=self.next_docno(prefix_of(j, False), int(d[:4])),
                                            issuers=[hc_issuer(j, d)], written=d, published=d,
                                            paras=self.plain_body(topic=False), home=hc_host,
                                            decision="excluded", reason="off-topic"))
                # abolished by a later decision: an otherwise qualifying document, and the
                # decision that lists it (published later)
                if rng.random() < 0.5 or j in ("00", "33", "13"):
                    d = year_date(j, 2010, 2016)
                    typ, t = self.make_title(place, ns=j)
                    victim = self.new_doc(juris=j, title=t, type=typ, docno=self.next_docno(prefix_of(j, False), int(d[:4])),
                                          issuers=[hc_issuer(j, d)], written=d, published=d,
                                          paras=self.outline_body(1)[0], home=hc_host,
                                          decision="excluded", reason="invalid")
                    d2 = year_date(j, 2019, 2024)
                    t2 = "%s关于废止和宣布失效部分规范性文件的决定" % (hc_issuer(j, d2))
                    if t2 in self.used_titles:
                        t2 = t2.replace("部分", "一批")
                    self.used_titles.add(t2)
                    # the study's keyword search must be able to find the decision, or no tool
                    # following it could know the victim is invalid: when the victim's title
                    # holds no search keyword, the decision lists an older document that does
                    # (from 1998, before any document of the mirror, so it abolishes nothing else)
                    other = "关于做好卫生统计工作的通知"
                    if not any(k in victim["title"] for k in SEARCH_KEYWORDS):
                        other = "关于印发卫生对口支援工作管理办法（1998年修订）的通知"
                    paras = ["经清理，决定对以下规范性文件予以废止或宣布失效：",
                             "1.《%s》（%s）" % (victim["title"], victim["docno"]),
                             "2.《%s》" % other]
                    ab = self.new_doc(juris=j, title=t2, type="决定", docno=self.next_docno(prefix_of(j, False), int(d2[:4])),
                                      issuers=[hc_issuer(j, d2)], written=d2, published=d2, paras=paras,
                                      home=hc_host, decision="excluded", reason="type")
                    victim["abolished_by"] = ab["id"]
                    out += [victim, ab]
        return out

    def add_new_documents(self, n):
        """Documents the sites publish after a first crawl (for incremental crawls): drawn
        from their own random stream so that everything generated before stays byte-identical
        apart from the lists and search answers that now show them."""
        saved = self.rng
        # one stream whatever n: --add 5 is --add 3 and two more (a month of crawls adds a few
        # at a time)
        self.rng = random.Random(self.seed * 1000003)
        prov = {p[0]: p for p in PROVINCES}
        for i in range(n):
            c = self.rng.choice(sorted(prov))
            full = prov[c][1]
            date = self.unique_date(c, 2024, lo="2024-09-01", hi="2024-10-30")
            d = self.make_included(c, full, [provincial_hc_name(c, full, date)], prov[c][3] + "卫发", date,
                                   1 + self.rng.randint(0, 2), prov[c][5], attach_ok=False)
            d["hosts"] = [d["home"]]
            d["new"] = True
            # published on the last day, after what was there (a date-ordered list shows it first)
            d["published"] = END
            d["posted"] = i + 1
        self.rng = saved

    # -- placement: which sites carry which document ----------------------------------------
    def place(self, included):
        rng = self.rng
        prov = {p[0]: p for p in PROVINCES}
        for d in self.docs:
            d["hosts"] = [d["home"]]
        for d in included:
            if d["juris"] == "00":
                other = "www.gov.cn" if d["home"] == "www.nhc.gov.cn" else "www.nhc.gov.cn"
                # NHC's files are all in gov.cn's department library; some State Council
                # files are reposted on nhc.gov.cn
                if d["home"] == "www.nhc.gov.cn" or rng.random() < 0.3:
                    d["hosts"].append(other)
            else:
                p = prov[d["juris"]]
                other = p[5] if d["home"] == p[4] else p[4]
                if rng.random() < 0.35:
                    d["hosts"].append(other)


def build_universe(seed=1, scale=1, extra=0):
    """the documents and where they are published, before any page is rendered"""
    u = Universe(seed, scale)
    nat = u.included_national()
    pro = u.included_provincial()
    included = nat + pro
    u.distractors(included)
    u.place(included)
    u.n_base = len(u.docs)
    if extra:
        u.add_new_documents(extra)
    return u


def main_generate(out, seed=1, scale=1, extra=0, variants=None, edit=0):
    """variants: the set of presentation variants pages may take (None: render.DEFAULT_VARIANTS)"""
    from render import render_universe, DEFAULT_VARIANTS
    u = build_universe(seed, scale, extra)
    if os.path.isdir(out):
        for name in ("www", "truth.jsonl", "search", "sites.json"):
            p = os.path.join(out, name)
            if os.path.isdir(p):
                shutil.rmtree(p)
            elif os.path.exists(p):
                os.remove(p)
    os.makedirs(out, exist_ok=True)
    render_universe(u, out, DEFAULT_VARIANTS if variants is None else variants, edit)
    make_tls(out)
    return u


def make_tls(out):
    """A test CA and one certificate for every host (SAN list), made once per tree.  Kept
    outside the hashed tree content: keys differ from run to run."""
    tls = os.path.join(out, "tls")
    if os.path.exists(os.path.join(tls, "server.pem")):
        return
    os.makedirs(tls, exist_ok=True)
    hosts = sorted({s["host"] for s in build_sites()} | {"sousuo.www.gov.cn", "localhost"})
    q = lambda *a: subprocess.run(a, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    q("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
      "-subj", "/CN=zhengce mirror test CA", "-keyout", os.path.join(tls, "ca.key"),
      "-out", os.path.join(tls, "ca.pem"),
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    q("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=mirror",
      "-keyout", os.path.join(tls, "server.key"), "-out", os.path.join(tls, "server.csr"))
    with open(os.path.join(tls, "san.ext"), "w") as f:
        f.write("subjectAltName=" + ",".join(["DNS:" + h for h in hosts] + ["IP:127.0.0.1"]) + "\n")
    q("openssl", "x509", "-req", "-in", os.path.join(tls, "server.csr"), "-CA", os.path.join(tls, "ca.pem"),
      "-CAkey", os.path.join(tls, "ca.key"), "-CAcreateserial", "-days", "3650",
      "-extfile", os.path.join(tls, "san.ext"), "-out", os.path.join(tls, "server.pem"))
