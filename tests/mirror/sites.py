"""The mirror's own model of the 64 sites, drawn from shared/sites.md.

This file never reads seeds/: a wrong seed must fail against the mirror the way it would fail
against the real site.  Each site has a family (how its search, lists and articles are built),
a charset and its ids.
"""

# code, full name, short name, docno abbreviation, portal host, health commission host
PROVINCES = [
    ("11", "北京市", "北京", "京", "www.beijing.gov.cn", "wjw.beijing.gov.cn"),
    ("12", "天津市", "天津", "津", "www.tj.gov.cn", "wsjk.tj.gov.cn"),
    ("13", "河北省", "河北", "冀", "www.hebei.gov.cn", "wsjkw.hebei.gov.cn"),
    ("14", "山西省", "山西", "晋", "www.shanxi.gov.cn", "wjw.shanxi.gov.cn"),
    ("15", "内蒙古自治区", "内蒙古", "内", "www.nmg.gov.cn", "wjw.nmg.gov.cn"),
    ("21", "辽宁省", "辽宁", "辽", "www.ln.gov.cn", "wsjk.ln.gov.cn"),
    ("22", "吉林省", "吉林", "吉", "www.jl.gov.cn", "wsjkw.jl.gov.cn"),
    ("23", "黑龙江省", "黑龙江", "黑", "www.hlj.gov.cn", "wsjkw.hlj.gov.cn"),
    ("31", "上海市", "上海", "沪", "www.shanghai.gov.cn", "wsjkw.sh.gov.cn"),
    ("32", "江苏省", "江苏", "苏", "www.jiangsu.gov.cn", "wjw.jiangsu.gov.cn"),
    ("33", "浙江省", "浙江", "浙", "www.zj.gov.cn", "wsjkw.zj.gov.cn"),
    ("34", "安徽省", "安徽", "皖", "www.ah.gov.cn", "wjw.ah.gov.cn"),
    ("35", "福建省", "福建", "闽", "www.fujian.gov.cn", "wjw.fujian.gov.cn"),
    ("36", "江西省", "江西", "赣", "www.jiangxi.gov.cn", "hc.jiangxi.gov.cn"),
    ("37", "山东省", "山东", "鲁", "www.shandong.gov.cn", "wsjkw.shandong.gov.cn"),
    ("41", "河南省", "河南", "豫", "www.henan.gov.cn", "wsjkw.henan.gov.cn"),
    ("42", "湖北省", "湖北", "鄂", "www.hubei.gov.cn", "wjw.hubei.gov.cn"),
    ("43", "湖南省", "湖南", "湘", "www.hunan.gov.cn", "wjw.hunan.gov.cn"),
    ("44", "广东省", "广东", "粤", "www.gd.gov.cn", "wsjkw.gd.gov.cn"),
    ("45", "广西壮族自治区", "广西", "桂", "www.gxzf.gov.cn", "wsjkw.gxzf.gov.cn"),
    ("46", "海南省", "海南", "琼", "www.hainan.gov.cn", "wst.hainan.gov.cn"),
    ("50", "重庆市", "重庆", "渝", "www.cq.gov.cn", "wsjkw.cq.gov.cn"),
    ("51", "四川省", "四川", "川", "www.sc.gov.cn", "wsjkw.sc.gov.cn"),
    ("52", "贵州省", "贵州", "黔", "www.guizhou.gov.cn", "wjw.guizhou.gov.cn"),
    ("53", "云南省", "云南", "云", "www.yn.gov.cn", "ynswsjkw.yn.gov.cn"),
    ("54", "西藏自治区", "西藏", "藏", "www.xizang.gov.cn", "wjw.xizang.gov.cn"),
    ("61", "陕西省", "陕西", "陕", "www.shaanxi.gov.cn", "sxwjw.shaanxi.gov.cn"),
    ("62", "甘肃省", "甘肃", "甘", "www.gansu.gov.cn", "wsjk.gansu.gov.cn"),
    ("63", "青海省", "青海", "青", "www.qinghai.gov.cn", "wsjkw.qinghai.gov.cn"),
    ("64", "宁夏回族自治区", "宁夏", "宁", "www.nx.gov.cn", "wsjkw.nx.gov.cn"),
    ("65", "新疆维吾尔自治区", "新疆", "新", "www.xinjiang.gov.cn", "wjw.xinjiang.gov.cn"),
]
MUNICIPALITIES = {"11", "12", "31", "50"}

# Family of each provincial site.  "hanweb-search", "trs-was5": searchable portals;
# the rest are crawled through their lists.  Known assignments from sites.md first.
PORTAL_FAMILY = {
    "37": "hanweb-search", "32": "hanweb-search", "33": "hanweb-search",
    "34": "hanweb-search", "61": "hanweb-search", "44": "hanweb-search", "46": "hanweb-search",
    "22": "hanweb-search", "41": "hanweb-search", "43": "hanweb-search",
    "11": "trs-was5", "12": "trs-was5", "13": "trs-was5", "31": "trs-was5", "35": "trs-was5",
    "51": "trs-was5", "50": "trs-was5", "42": "trs-was5", "14": "trs-was5", "21": "trs-was5",
    "15": "trs-wcm", "23": "trs-wcm", "36": "trs-wcm", "45": "trs-wcm", "52": "trs-wcm",
    "53": "vsb", "54": "vsb", "62": "jsp", "63": "channels", "64": "thinkphp", "65": "jsp",
}
HC_FAMILY = {
    "33": "hanweb-jpage", "32": "hanweb-jpage", "61": "hanweb-jpage", "34": "hanweb-jpage",
    "22": "hanweb-jpage",
    "35": "trs-was5",
    "52": "trs-wcm", "43": "trs-wcm", "37": "trs-wcm", "54": "trs-wcm", "21": "trs-wcm",
    "11": "trs-wcm", "13": "trs-wcm", "31": "trs-wcm", "44": "trs-wcm", "46": "trs-wcm",
    "65": "vsb", "63": "vsb", "64": "vsb", "53": "vsb",
    "23": "thinkphp", "15": "thinkphp", "42": "thinkphp",
    "41": "jsp", "36": "jsp", "62": "jsp", "51": "jsp",
    "45": "channels", "14": "channels", "12": "channels", "50": "channels",
}

# Charsets: most sites UTF-8; the GB sites of sites.md declare gb2312 and use GBK characters.
GB_SITES = {"wsjkw.gxzf.gov.cn", "wsjk.ln.gov.cn", "wsjkw.qinghai.gov.cn", "www.nmg.gov.cn"}
GBK_DECLARED = {"wjw.nmg.gov.cn"}             # declares gbk honestly
UNDECLARED = {"wjw.hubei.gov.cn", "www.yn.gov.cn"}  # no charset anywhere (UTF-8 bytes)
HEADER_LIES = {"wsjkw.qinghai.gov.cn"}         # HTTP header says utf-8, bytes are GB18030

# Sites whose robots.txt carries Disallow lines and a Crawl-delay.
ROBOTS = {
    "www.gov.cn": ("/zhengce/private/", None),
    "sousuo.www.gov.cn": (None, None),
    "www.nhc.gov.cn": ("/wjw/private/", None),
    "www.zj.gov.cn": ("/internal/", None),
    "wjw.xinjiang.gov.cn": ("/admin/", 1),
    "wsjkw.gd.gov.cn": ("/drafts/", None),
    "www.beijing.gov.cn": ("/drafts/", None),
}


def build_sites():
    """Every site the mirror serves, in a fixed order."""
    sites = [
        {"host": "www.gov.cn", "jurisdiction": "00", "kind": "gov", "family": "govcn",
         "charset": "utf-8", "search_host": "sousuo.www.gov.cn"},
        {"host": "www.nhc.gov.cn", "jurisdiction": "00", "kind": "hc", "family": "nhc",
         "charset": "utf-8"},
    ]
    for i, (code, full, short, abbr, portal, hc) in enumerate(PROVINCES):
        for kind, host, fam in (("gov", portal, PORTAL_FAMILY[code]), ("hc", hc, HC_FAMILY[code])):
            cs = "utf-8"
            if host in GB_SITES:
                cs = "gb2312"
            elif host in GBK_DECLARED:
                cs = "gbk"
            s = {"host": host, "jurisdiction": code, "kind": kind, "family": fam, "charset": cs,
                 "declare": host not in UNDECLARED, "header_lies": host in HEADER_LIES}
            # ids in the shapes real sites use
            s["websiteid"] = code + "0000" + "000000" + ("%03d" % (88 + i + (0 if kind == "gov" else 1)))
            s["channelid"] = str(200000 + int(code) * 100 + (1 if kind == "gov" else 2))
            s["col"] = str(1229000000 + int(code) * 1000 + (1 if kind == "gov" else 2))
            s["typeid"] = str(int(code) % 17 + 3)
            s["channel"] = str(100 + int(code))
            sites.append(s)
    return sites
