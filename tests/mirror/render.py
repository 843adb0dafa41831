"""Render the generated universe to files: article pages in each family's templates, list pages
with each pagination scheme, search indexes the server answers from, robots.txt, truth.jsonl.

Layout of the tree (DIR):
  www/<host>/<path>        static files, served as they are
  search/<host>.json       what the site's search engine knows (the server filters and pages it)
  sites.json               the mirror's own site model (family, ids, charset, hosts)
  truth.jsonl              one line per article page: what a perfect tool extracts and decides
  codes.jsonl              one line per included entry: its final codes and relations (codes.py)
  cookies.txt              the cookies a browser would hold after passing nhc.gov.cn's challenge
"""
import hashlib
import html
import json
import os
import random
from urllib.parse import quote

from codes import write_codes
from sites import PROVINCES, ROBOTS

PROV = {p[0]: p for p in PROVINCES}
PAGE_SIZE = {"nhc": 24, "trs-wcm": 20, "vsb": 15, "thinkphp": 15, "jsp": 20, "channels": 20,
             "hanweb-jpage": 15}
SCHEME_HTTP = {"12", "14", "15", "36", "45", "53", "54", "63", "64"}
UPPER_HANWEB = {"www.ah.gov.cn", "www.hunan.gov.cn"}   # /JSEARCHFRONT/ in capitals
CHALLENGE_COOKIE = ("sVoELocvxVW0S", "sVoELocvxVW0T")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
E = html.escape

# ---- presentation variants ------------------------------------------------------------------
# Real pages present the same document in many ways; each article page is rendered through a
# seeded choice among these variants (at most one per axis), with the same truth.  A variant is
# applicable to a page only when the page has what it changes (a metadata table, a signature,
# joint issuers, ...); `needs` says what a page rendered under that variant alone must have.
#   name: (axis, needs, what it does)
VARIANTS = {
    # metadata table layouts (the page has a metadata table)
    "meta-onecell": ("meta", "table", "label and value in one cell: <td><b>发文机关: </b> 省政府办公厅</td>"),
    "meta-pairs": ("meta", "table", "two label/value pairs a row in neighbouring cells, labels in th or td"),
    "meta-dl": ("meta", "table", "dl/dt/dd"),
    "meta-li": ("meta", "table", "li with a span for the label and one for the value"),
    "meta-div": ("meta", "table", "div rows of a label div and a value div"),
    "meta-nested": ("meta", "table", "older gov.cn: the metadata table inside an outer bordered cell, "
                                     "followed by a second table of 主题词"),
    # label spelling
    "label-space": ("label", "table", "labels padded with ASCII spaces: 发 文 机 关, 文    号"),
    "label-nbsp": ("label", "table", "labels padded with U+00A0 (raw or &nbsp;): 文\u00a0\u00a0号"),
    "label-ideo": ("label", "table", "labels padded with U+3000: 文\u3000\u3000号, 索\u3000引\u3000号"),
    "colon-ascii": ("colon", "table", "labels followed by an ASCII colon"),
    "colon-none": ("colon", "table", "labels followed by no colon"),
    # values
    "value-fullwidth": ("value", "table", "full-width digits in the table's document number and dates"),
    "docno-none": ("docno", "table", "文号：无 for a document without a number"),
    "issuer-abbrev": ("issuer", "table+sig", "the table abbreviates the issuer (省政府办公厅, 市卫生健康委); "
                                            "the signature names the full body"),
    # signature blocks
    "sig-public": ("sigafter", "sig", "（此件主动公开） or （此件公开发布） after the date line"),
    "sig-attach-lines": ("sigafter", "sig", "附件 lines (plain text) after the date line"),
    "sig-source": ("sigafter", "sig", "来源： line after the date line"),
    "sig-annex": ("sigafter", "sig", "an annex after the signature with its own later signature and date"),
    "sig-date-split": ("sigdate", "sig", "the signature date split across inline elements: 2020年2月<span>26</span>日"),
    "sig-date-ling": ("sigdate", "sig", "the signature date in Chinese numerals with 零: 二零一七年三月十六日"),
    "sig-issuer-split": ("signame", "sig", "an issuer name split over two paragraphs (…人民政府 / 办公厅)"),
    "sig-joint-line": ("signame", "sig", "joint issuers on one line separated by U+3000 or spaces"),
    # neither table nor signature
    "title-issuer": ("layout", "meta", "no table and no signature: the issuer in the title (XX关于…的通知), "
                                       "the date in a parenthetical under the title"),
    # the column a document is posted in
    "column-dynamic": ("column", "", "a document posted in a news column (ColumnName 工作动态, the breadcrumb): "
                                     "its type is still its title's"),
    # body containers
    "body-class-zoom": ("container", "", 'the body in class="zoom" (not id)'),
    "body-other-family": ("container", "", "the body in a container another family uses, or with id and class swapped"),
    "body-unknown": ("container", "", "the body in a container with no known id or class (found by text density)"),
    # page chrome that never belongs to the body
    "chrome-counter": ("counter", "", "a 您现在的位置 breadcrumb and a 浏览次数 / 字体 / 打印本页 line"),
    "chrome-hidden-path": ("hidden", "", 'a hidden column path (<div style="display:none">首页>政务公开>…</div>), '
                                         "at times inside the body container"),
    "chrome-share": ("share", "", "a share box and a 相关链接 box with topic words"),
    "chrome-footer": ("footer", "", "a footer with 主办单位, ICP and 公网安备 numbers"),
    "chrome-script": ("script", "", "header and footer injected by script, none in the HTML"),
    # attachments
    "att-downfile": ("att", "", "attachments as Hanweb downfile.jsp links"),
    "att-ext": ("att", "", "attachment links whose text or whose URL ends in .pdf .doc .docx .wps .xls .xlsx .ofd .zip .rar"),
    "att-list": ("att", "", "an 附件： list of numbered links before the signature"),
}
# variants on in a default mirror: those the parser reads right, today every one
# (tests/integration/metamorphic.py renders every variant; e2e compares the crawl of the default
# mirror with the truth).  A variant added for a case the parser does not read yet stays out of
# this list until it does, and `--variants all` shows it failing.
DEFAULT_VARIANTS = [
    "att-downfile", "att-ext", "att-list", "body-class-zoom", "body-other-family", "body-unknown",
    "chrome-counter", "chrome-footer", "chrome-hidden-path", "chrome-script", "chrome-share",
    "colon-ascii", "colon-none", "column-dynamic", "docno-none", "issuer-abbrev", "label-ideo", "label-nbsp",
    "label-space", "meta-div", "meta-dl", "meta-li", "meta-nested", "meta-onecell", "meta-pairs",
    "sig-annex", "sig-attach-lines", "sig-date-ling", "sig-date-split", "sig-issuer-split",
    "sig-joint-line", "sig-public", "sig-source", "title-issuer", "value-fullwidth",
]
AXIS_RATE = 0.4     # chance that a page takes one of the enabled variants of an axis


def parse_variants(spec):
    """--variants all|default|none|NAME,NAME,... -> the set of enabled variant names"""
    if spec in (None, "", "default"):
        return set(DEFAULT_VARIANTS)
    if spec == "all":
        return set(VARIANTS)
    if spec == "none":
        return set()
    names = [n.strip() for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise ValueError("unknown variant %s; known: %s" % (", ".join(unknown), " ".join(sorted(VARIANTS))))
    return set(names)


ABBREV_REST = [("人民政府办公厅", "政府办公厅"), ("人民政府", "政府"), ("卫生健康委员会", "卫生健康委"),
               ("卫生和计划生育委员会", "卫生计生委"), ("医疗保障局", "医保局"),
               ("发展和改革委员会", "发展改革委"), ("中医药管理局", "中医药局"), ("卫生厅", "卫生厅"),
               ("卫生局", "卫生局"), ("财政厅", "财政厅")]


def abbreviate(name, juris):
    """浙江省人民政府办公厅 -> 省政府办公厅: the table's short form of a provincial body, or None"""
    if juris == "00" or juris not in PROV:
        return None
    full = PROV[juris][1]
    if not name.startswith(full):
        return None
    rest = name[len(full):]
    level = "自治区" if full.endswith("自治区") else full[-1]
    for long, short in ABBREV_REST:
        if rest == long:
            return level + short
    return None


SPLIT_SUFFIX = ["办公厅", "委员会", "办公室"]


def split_point(name):
    """where an issuer name wraps onto a second line: before a bare suffix (办公厅, 委员会)"""
    for s in SPLIT_SUFFIX:
        if name.endswith(s) and len(name) >= len(s) + 3:
            return len(name) - len(s)
    return 0


def core_label(label):
    return "".join(c for c in label if c not in " \u3000\u00a0：:")


def pad_label(label, how, vr):
    c = core_label(label)
    if how == "label-space":
        return ("    " if len(c) == 2 else " ").join(c)
    if how == "label-nbsp":
        sep = "\u00a0\u00a0" if len(c) == 2 else "\u00a0"
        return sep.join(c)
    if how == "label-ideo":
        if len(c) == 2:
            return "\u3000\u3000".join(c)
        if len(c) == 3:
            return "\u3000".join(c)
        return "\u3000" + c
    return label


BODY_OTHER = ['<div id="UCAP-CONTENT">%s</div>', '<div class="TRS_Editor">%s</div>', '<div id="xw_box">%s</div>',
              '<div id="vsb_content">%s</div>', '<div class="con_wz">%s</div>', '<div id="contents">%s</div>',
              '<div class="content-content">%s</div>', '<div class="wy_contMain">%s</div>',
              '<div class="pages_content">%s</div>', '<div class="article-content">%s</div>',
              '<div class="TRS_UEDITOR">%s</div>', '<div class="Custom_UnionStyle">%s</div>',
              '<div class="xw_box">%s</div>', '<div class="UCAP-CONTENT">%s</div>', '<div id="TRS_Editor">%s</div>',
              '<div id="Zoom" class="TRS_Editor">%s</div>']
BODY_UNKNOWN = ['<div class="wzy_nr">%s</div>', '<div class="detail-body">%s</div>', '<div>%s</div>',
                '<div class="news_cont_d_wrap"><div class="nr">%s</div></div>', '<div class="article"><section>%s</section></div>',
                '<table width="100%%"><tr><td class="bt_content">%s</td></tr></table>']
ATT_EXT = [".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".ofd", ".zip", ".rar"]
ATT_NAMES = ["实施方案", "试点名单", "工作任务分解表", "评估指标体系", "申报表", "联系人回执", "考核细则", "统计报表"]


def scheme_of(site):
    j = site["jurisdiction"]
    return "http" if j in SCHEME_HTTP and site["kind"] == "hc" else "https"


def h32(*parts):
    return hashlib.md5("/".join(str(p) for p in parts).encode()).hexdigest()


def cn_date(iso, zero="〇"):
    from generate import cn_date as c
    return c(iso, zero)


def add_days(iso, n):
    from generate import add_days as a
    return a(iso, n)


def iso_of(written):
    """2023-03-01 from a date as the table writes it (2023-03-01, 2023年03月01日)"""
    digits = "".join(c if c.isdigit() else " " for c in written).split()
    return "%04d-%02d-%02d" % tuple(int(x) for x in digits[:3])


class Renderer:
    def __init__(self, u, out, variants=()):
        self.u = u
        self.rng = u.rng
        self.variants = set(variants)   # the presentation variants pages may take
        self.out = out
        self.files = {}         # (host, path) -> bytes
        self.pages = []         # rendered article pages: dict
        self.search = {}        # host -> list of items
        self.lists = {}         # host -> list of pages (for lists)

    # -- article URLs by family ---------------------------------------------------------------
    def article_path(self, site, d):
        fam = site["family"]
        w = d["published"]
        y, m, dd = w.split("-")
        n = d["id"] * 37 + 5000000
        if fam == "govcn":
            dept = not d["issuers"][0].startswith("国务院")
            base = "/zhengce/zhengceku/" if dept else "/zhengce/content/"
            if y >= "2023":
                return "%s%s%s/content_%d.htm" % (base, y, m, n)
            return "%s%s-%s/%s/content_%d.htm" % (base, y, m, dd, n)
        if fam == "nhc":
            return "/yzygj/s3594q/%s%s/%s.shtml" % (y, m, h32(self.u.seed, d["id"]))
        if fam.startswith("hanweb"):
            return "/art/%d/%d/%d/art_%s_%d.html" % (int(y), int(m), int(dd), site["col"][-4:], n)
        if fam.startswith("trs"):
            return "/zwgk/zcwj/%s%s/t%s%s%s_%d.html" % (y, m, y, m, dd, n)
        if fam == "vsb":
            return "/info/%s/%d.htm" % (site["channel"], n)
        if fam == "thinkphp":
            return "/zwgk/show/%d.shtml" % n
        if fam == "jsp":
            return "/iArticle.jsp?id=%d" % n
        if fam == "channels":
            return "/contents/%s/%d.shtml" % (site["channel"], n)
        raise ValueError(fam)

    def url(self, site, path):
        host = site["host"]
        return "%s://%s%s" % (scheme_of(site), host, path)

    # -- pieces of a page ---------------------------------------------------------------------
    def docno_as_written(self, docno):
        if not docno:
            return ""
        r = self.rng.random()
        if r < 0.55:
            return docno
        pre, rest = docno.split("〔")
        year, num = rest.split("〕")
        num = num.rstrip("号")
        if r < 0.65:
            return "%s[%s]%s号" % (pre, year, num)
        if r < 0.75:
            return "%s（%s）%s号" % (pre, year, num)
        if r < 0.85:
            return "%s【%s】%s号" % (pre, year, num)
        if r < 0.93:
            return "%s〔%s〕第%s号" % (pre, year, num)
        return ("%s〔%s〕%s号" % (pre, year, num)).translate(FULLWIDTH)

    def date_as_written(self, iso, style=None):
        y, m, d = iso.split("-")
        style = style or self.rng.choice(["iso", "cn", "dot", "slash"])
        if style == "iso":
            return iso
        if style == "cn":
            return "%s年%s月%s日" % (y, m, d)
        if style == "dot":
            return "%s.%s.%s" % (y, m, d)
        return "%s/%s/%s" % (y, m, d)

    def signature(self, d):
        rng = self.rng
        lines = list(d["issuers"])
        r = rng.random()
        if r < 0.45:
            date = cn_date(d["written"], "〇" if rng.random() < 0.7 else "○")
        elif r < 0.8:
            y, m, dd = d["written"].split("-")
            date = "%d年%d月%d日" % (int(y), int(m), int(dd))
        else:
            y, m, dd = d["written"].split("-")
            date = ("%d年%d月%d日" % (int(y), int(m), int(dd))).translate(FULLWIDTH)
        return lines, date

    def body_html(self, site, d, with_signature, docno_line, V=(), vr=None, lead=""):
        """The body container's content; returns (html, attachments as (name, path) in page
        order).  V: the page's variants, drawn with vr; lead: a line before everything."""
        rng = self.rng
        out = []
        atts = [(a["name"], "/attach/" + a["path"]) for a in d["attachments"]]
        ptag = rng.choice(["p", "p", "div"])
        indent = "\u3000\u3000" if rng.random() < 0.5 else ""
        if lead:
            out.append(lead)
        if docno_line:
            out.append('<p style="text-align:center">%s</p>' % E(docno_line))
        for p in d["paras"]:
            style = ' style="text-indent:2em"' if rng.random() < 0.3 else ""
            txt = E(p)
            if rng.random() < 0.1:
                txt = txt.replace("。", "。&nbsp;", 1)
            out.append("<%s%s>%s%s</%s>" % (ptag, style, indent, txt, ptag))
        for a in d["attachments"]:
            out.append('<p><a href="/attach/%s">%s</a></p>' % (a["path"], E(a["name"])))
        if V:
            out += self.attachment_links(site, d, V, vr, atts)
        if with_signature:
            lines, date = self.signature(d)
            contact = rng.random() < 0.25
            if "title-issuer" not in V:
                out += self.signature_html(lines, date, d["written"], V, vr)
                out += self.after_date(site, d, V, vr)
                if contact:
                    out.append("<p>（联系人：王镕，电话：0571-8700%04d）</p>" % (d["id"] % 10000))
                if "sig-annex" in V:
                    out += self.annex(site, d, vr)
        return "\n".join(out), atts

    # -- variants -----------------------------------------------------------------------------
    def applicable(self, name, ctx):
        needs = VARIANTS[name][1]
        d = ctx["d"]
        if "table" in needs and ctx["tpl"] != "table":
            return False
        if needs == "meta" and ctx["tpl"] != "meta":
            return False
        if "sig" in needs and not ctx["sig"]:
            return False
        if name == "docno-none":
            return not d["docno"]
        if name == "issuer-abbrev":
            return all(abbreviate(i, d["juris"]) for i in d["issuers"])
        if name == "sig-issuer-split":
            return any(split_point(i) for i in d["issuers"])
        if name == "sig-joint-line":
            return len(d["issuers"]) > 1
        if name == "column-dynamic":
            return ctx["formal"] and d["type"] not in ("转发", "废止") and d["column"] == "政策文件"
        if name == "title-issuer":
            iss = d["issuers"]
            return ctx["formal"] and len(iss) == 1 and d["title"].startswith(iss[0] + "关于")
        return True

    def choose_variants(self, vr, ctx, force):
        """the page's variants: the forced one (None when it cannot apply), or at most one per
        axis among the enabled ones that apply"""
        if force is not None:
            return [force] if self.applicable(force, ctx) else None
        axes = {}
        for name in sorted(self.variants):
            if self.applicable(name, ctx):
                axes.setdefault(VARIANTS[name][0], []).append(name)
        chosen = []
        for axis in sorted(axes):
            if vr.random() < AXIS_RATE:
                chosen.append(vr.choice(axes[axis]))
        if "title-issuer" in chosen:     # no signature on such a page
            chosen = [v for v in chosen if "sig" not in VARIANTS[v][1]]
        return chosen

    def meta_table(self, rows, cls, d, V, vr):
        """the metadata block from (label, value) rows in the page's layout"""
        if not V:
            trs = "".join("<tr><td class=\"label\"><b>%s：</b></td><td>%s</td></tr>" % (E(a), E(b)) for a, b in rows)
            return '<table class="%s">%s</table>' % (cls, trs)
        pad = next((v for v in V if VARIANTS[v][0] == "label"), None)
        colon = "："
        if "colon-ascii" in V:
            colon = vr.choice([":", ": "])
        elif "colon-none" in V:
            colon = ""
        nbsp_entity = vr.random() < 0.5
        cells = []
        for a, b in rows:
            core = core_label(a)
            if core in ("发文字号", "文号"):
                if "docno-none" in V and not b:
                    b = "无"
                if "value-fullwidth" in V:
                    b = b.translate(FULLWIDTH)
            elif core in ("成文日期", "发文日期", "发布日期"):
                if "value-fullwidth" in V:
                    b = self.date_as_written(iso_of(b), "cn").translate(FULLWIDTH)
            elif core in ("发文机关", "发布机构") and "issuer-abbrev" in V:
                sep = "、" if "、" in b else " "
                b = sep.join(abbreviate(i, d["juris"]) for i in d["issuers"])
            lab = pad_label(a, pad, vr) if pad else a
            lab = E(lab) + colon
            if nbsp_entity:
                lab = lab.replace("\u00a0", "&nbsp;")
            cells.append((lab, E(b), core))
        layout = next((v for v in V if VARIANTS[v][0] == "meta"), None)
        if layout is None or layout == "meta-nested":
            trs = "".join('<tr><td class="label"><b>%s</b></td><td>%s</td></tr>' % (l, v) for l, v, _ in cells)
            if layout is None:
                return '<table class="%s">%s</table>' % (cls, trs)
            topics = vr.choice(["卫生　医药　通知", "卫生　医疗机构　意见", "医药卫生　方案"])
            return ('<table class="%s" border="1" cellspacing="0" cellpadding="6" width="100%%"><tbody><tr><td>'
                    '<table width="100%%" cellspacing="1" cellpadding="2">%s</table>'
                    '<table width="100%%"><tr><td class="label"><b>主题词：</b></td><td>%s</td></tr></table>'
                    '</td></tr></tbody></table>' % (cls, trs, topics))
        if layout == "meta-onecell":
            tag = vr.choice(["b", "strong", "span"])
            plain = colon and vr.random() < 0.3
            per = vr.choice([1, 2])
            tds = []
            for l, v, _ in cells:
                if plain:
                    tds.append("<td>%s%s</td>" % (l, v))
                else:
                    tds.append("<td><%s>%s </%s> %s</td>" % (tag, l, tag, v))
            trs = "".join("<tr>%s</tr>" % "".join(tds[i:i + per]) for i in range(0, len(tds), per))
            return '<table class="%s">%s</table>' % (cls, trs)
        if layout == "meta-pairs":
            th = vr.choice(['<th>%s</th>', '<td class="t">%s</td>', '<td style="font-weight:bold">%s</td>'])
            trs, row = [], []
            for l, v, core in cells:
                if core == "标题":
                    if row:
                        trs.append("<tr>%s</tr>" % "".join(row))
                        row = []
                    trs.append('<tr>%s<td colspan="3">%s</td></tr>' % (th % l, v))
                    continue
                row.append("%s<td>%s</td>" % (th % l, v))
                if len(row) == 2:
                    trs.append("<tr>%s</tr>" % "".join(row))
                    row = []
            if row:
                trs.append("<tr>%s</tr>" % "".join(row))
            return '<table class="%s">%s</table>' % (cls, "".join(trs))
        if layout == "meta-dl":
            if vr.random() < 0.5:
                return '<dl class="xxgk-info">%s</dl>' % "".join("<dt>%s</dt><dd>%s</dd>" % (l, v) for l, v, _ in cells)
            return '<div class="xxgk-info">%s</div>' % "".join(
                '<dl class="item"><dt>%s</dt><dd>%s</dd></dl>' % (l, v) for l, v, _ in cells)
        if layout == "meta-li":
            f = vr.choice(['<li><span class="name">%s</span><span class="value">%s</span></li>',
                           '<li><label>%s</label><em>%s</em></li>', '<li><span>%s</span>%s</li>'])
            return '<ul class="xxgk-list">%s</ul>' % "".join(f % (l, v) for l, v, _ in cells)
        if layout == "meta-div":
            f = vr.choice(['<div class="row"><div class="l">%s</div><div class="r">%s</div></div>',
                           '<div class="info-item"><span class="lab">%s</span><div class="val">%s</div></div>'])
            return '<div class="xxgk">%s</div>' % "".join(f % (l, v) for l, v, _ in cells)
        raise ValueError(layout)

    def signature_html(self, lines, date, written, V, vr):
        right = '<p style="text-align:right">%s</p>'
        out = []
        if "sig-joint-line" in V:
            sep = vr.choice(["\u3000", "\u3000\u3000", "  ", "    ", "&nbsp;&nbsp;&nbsp;&nbsp;"])
            out.append(right % sep.join(E(l) for l in lines))
        elif "sig-issuer-split" in V:
            done = False
            for l in lines:
                k = split_point(l)
                if k and not done:
                    out.append(right % E(l[:k]))
                    out.append(right % E(l[k:]))
                    done = True
                else:
                    out.append(right % E(l))
        else:
            out += [right % E(l) for l in lines]
        if "sig-date-ling" in V:
            out.append(right % E(cn_date(written, "零")))
        elif "sig-date-split" in V:
            y, rest = date.split("年", 1)
            m, rest = rest.split("月", 1)
            dd = rest.rstrip("日")
            form = vr.choice(['%s年%s月<span>%s</span>日', '%s年%s月<span lang="EN-US">%s</span>日',
                              '<span>%s</span>年%s月%s日', '%s年<font>%s</font>月<font>%s</font>日',
                              '<span>%s年</span><span>%s月%s日</span>'])
            out.append(right % (form % (E(y), E(m), E(dd))))
        else:
            out.append(right % E(date))
        return out

    def after_date(self, site, d, V, vr):
        if "sig-public" in V:
            return ["<p>%s</p>" % vr.choice(["（此件主动公开）", "（此件公开发布）", "(此件主动公开)", "（此件依申请公开）"])]
        if "sig-attach-lines" in V:
            names = vr.sample(ATT_NAMES, vr.randint(1, 3))
            out = ["<p>附件：1.%s</p>" % names[0]]
            out += ["<p>\u3000\u3000\u3000%d.%s</p>" % (i, n) for i, n in enumerate(names[1:], 2)]
            return out
        if "sig-source" in V:
            return ["<p>%s</p>" % vr.choice(["来源：%s" % E(self.site_name(site)), "（来源：%s）" % E(d["issuers"][0]),
                                             "信息来源：%s" % E(self.site_name(site))])]
        return []

    def annex(self, site, d, vr):
        """an annex after the document's signature, with a signature and a later date of its own"""
        j = d["juris"]
        place = "国务院" if j == "00" else PROV[j][1]
        body = place + vr.choice(["深化医药卫生体制改革领导小组办公室", "医疗保障局", "财政厅"] if j != "00"
                                 else ["深化医药卫生体制改革领导小组", "医改办"])
        if j != "00" and body.endswith("财政厅") and PROV[j][1].endswith("市"):
            body = place + "财政局"
        later = add_days(d["written"], vr.randint(3, 60))
        y, m, dd = later.split("-")
        date = "%d年%d月%d日" % (int(y), int(m), int(dd))
        if vr.random() < 0.5:
            date = cn_date(later)
        fill = vr.sample(["各地要加强组织领导，明确责任分工，确保各项任务落到实处。",
                          "做好宣传引导，及时总结推广典型经验。", "完善财政投入保障机制，加大政策支持力度。",
                          "请于每季度末将工作进展情况报送联系人。"], 2)
        out = ["<p>%s</p>" % vr.choice(["附件", "附件1", "附件："]),
               '<p style="text-align:center">%s</p>' % vr.choice(["工作进展情况报告", "任务分工方案", "有关情况说明"])]
        out += ["<p>%s</p>" % f for f in fill]
        out += ['<p style="text-align:right">%s</p>' % E(body), '<p style="text-align:right">%s</p>' % E(date)]
        return out

    def attachment_links(self, site, d, V, vr, atts):
        """attachment links of the att-* variants (added to atts)"""
        kind = next((v for v in V if VARIANTS[v][0] == "att"), None)
        if kind is None:
            return []
        names = vr.sample(ATT_NAMES, vr.randint(1, 3))
        out = []
        key = h32(self.u.seed, "att", d["id"], site["host"])
        for i, n in enumerate(names, 1):
            ext = vr.choice(ATT_EXT)
            fid = "%s%02d" % (key[:14], i)
            if kind == "att-downfile":
                path = vr.choice(["/module/download/downfile.jsp?classid=0&filename=%s%s" % (fid, ext),
                                  "/module/download/downfile.jsp?filename=%s%s&classid=0" % (fid, ext),
                                  "/module/download/downfile.jsp?classid=0&showname=%s%s&filename=%s%s" % (
                                      quote(n), ext, fid, ext)])
                text = vr.choice(["附件%d：%s" % (i, n), "%s%s" % (n, ext), n])
                out.append('<p><a href="%s" target="_blank">%s</a></p>' % (E(path), E(text)))
            elif kind == "att-ext":
                if vr.random() < 0.5:
                    path = "/attach/%s/%s%s" % (d["published"][:7].replace("-", ""), fid, ext)
                    text = "附件%d.%s" % (i, n)
                else:
                    path = "/attach/download.jsp?id=%s" % fid
                    text = "%s%s" % (n, ext)
                out.append('<p><a href="%s">%s</a></p>' % (E(path), E(text)))
            else:   # att-list
                path = "/attach/%s/%s%s" % (d["published"][:4], fid, ext)
                text = n
                if i == 1:
                    out.append('<p>附件：1.<a href="%s">%s</a></p>' % (E(path), E(text)))
                else:
                    out.append('<p>\u3000\u3000\u3000%d.<a href="%s">%s</a></p>' % (i, E(path), E(text)))
            atts.append((text, path))
        return out

    def meta_tags(self, site, d, title):
        rng = self.rng
        tags = [("SiteName", self.site_name(site)), ("SiteDomain", site["host"]),
                ("SiteIDCode", (site["jurisdiction"] + "00000087") if site["jurisdiction"] != "00" else "bm01000001"),
                ("ColumnName", d["column"]), ("ColumnType", d["column_type"]),
                ("ArticleTitle", title), ("PubDate", d["published"] + " %02d:%02d" % (8 + d["id"] % 10, d["id"] % 60)),
                ("ContentSource", self.site_name(site))]
        out = []
        for name, val in tags:
            if rng.random() < 0.3:
                out.append('<meta content="%s" name="%s">' % (E(val), name))
            elif rng.random() < 0.2:
                out.append('<META NAME="%s" CONTENT="%s">' % (name, E(val)))
            else:
                out.append('<meta name="%s" content="%s">' % (name, E(val)))
        return "\n".join(out)

    def site_name(self, site):
        j = site["jurisdiction"]
        if j == "00":
            return "中国政府网" if site["family"] == "govcn" else "国家卫生健康委员会"
        full = PROV[j][1]
        return full + ("人民政府" if site["kind"] == "gov" else "卫生健康委员会")

    def boilerplate(self, site):
        """Navigation and footer that carry topic words: a body extractor that keeps them would
        put every page on topic."""
        nav = ('<div class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | '
               '<a href="/ztzl/yltjs/">医联体建设专栏</a> | <a href="/ztzl/dkzy/">对口支援</a> | '
               '<a href="/hdjl/">互动交流</a></div>')
        foot = ('<div class="footer">主办：%s　网站标识码：%s　<a href="/wzdt/">网站地图</a>'
                '<script>var _hmt = _hmt || [];</script></div>' % (self.site_name(site), site["host"]))
        return nav, foot

    def related(self, site):
        items = self.rng.sample(self.u.docs[:self.u.n_base], 3)
        lis = "".join('<li><a href="/zwgk/xg/%d.html">%s</a></li>' % (x["id"], E(x["title"])) for x in items)
        return '<div class="xgwj"><h3>相关文件</h3><ul>%s</ul></div>' % lis

    def validity_row(self, d):
        return d.get("validity_on_page", "")

    # -- templates ----------------------------------------------------------------------------
    def article(self, site, d, canonical, force=None):
        """Render one article page of document d on site; returns (html text, page truth), or
        None when force names a variant that cannot apply to this document."""
        rng = self.rng
        vr = random.Random(int(h32(self.u.seed, "variant", d["id"], site["host"]), 16))
        need = VARIANTS[force][1] if force else ""
        fam = site["family"]
        formal = d["type"] not in ("解读", "新闻")
        title = d["title"]
        docno_w = self.docno_as_written(d["docno"])
        pub_w = self.date_as_written(d["published"])
        validity = d["validity"]
        if d.get("abolished_by") and rng.random() < 0.5:
            validity_page = "有效"
        else:
            validity_page = validity
        nav, foot = self.boilerplate(site)
        tpl = rng.choice(self.templates(fam, d))
        if "table" in need:
            tpl = "table"
        elif need == "meta":
            if d.get("needs_table"):
                return None
            tpl = "meta"
        head_meta = self.meta_tags(site, d, title) if tpl in ("table", "meta") or rng.random() < 0.5 else ""
        # what the page shows decides what a perfect tool can know
        show = {"docno": bool(d["docno"]), "written": formal, "validity": validity_page,
                "issuers": formal or tpl == "table"}
        stamp = ""
        lead = ""
        if tpl == "table":
            rows = [("索 引 号", "%s-%04d-%s" % (site["jurisdiction"], d["id"], d["published"][:4])),
                    ("主题分类", "卫生、体育\\医药管理" if d["column"] != "工作动态" else "卫生")]
            label_org = rng.choice(["发文机关", "发布机构"])
            rows.append((label_org, rng.choice([" ", "、"]).join(d["issuers"])))
            if formal:
                rows.append((rng.choice(["成文日期", "发文日期"]), self.date_as_written(d["written"], rng.choice(["iso", "cn"]))))
            rows.append(("标　　题", title))
            rows.append((rng.choice(["发文字号", "文　　号"]), docno_w))
            rows.append(("发布日期", self.date_as_written(d["published"], rng.choice(["iso", "cn"]))))
            if validity_page or (formal and rng.random() < 0.5 and fam != "govcn"):
                if not validity_page:
                    validity_page = "有效"
                    show["validity"] = "有效"
                rows.append(("有 效 性", validity_page))
            cls = "bd1" if fam == "govcn" else "xxgk-table"
            sig = formal and rng.random() < 0.6
            if "sig" in need:
                sig = formal
            V = self.choose_variants(vr, {"d": d, "tpl": tpl, "sig": sig, "formal": formal}, force)
            if V is None:
                return None
            meta_block = self.meta_table(rows, cls, d, V, vr)
            body, atts = self.body_html(site, d, sig, "", V, vr)
        else:
            # no metadata table: title block, a date line, docno as the body's first line,
            # signature block with the written date
            if validity_page:
                stamp = '<div class="yxx-stamp" style="color:red">已%s</div>' % validity_page if validity_page != "有效" else ""
                if validity_page == "有效":
                    show["validity"] = ""
            date_label = rng.choice(["发布时间：", "发布日期：", "日期："])
            source = '<span class="source">来源：%s</span>' % E(self.site_name(site))
            meta_block = '<div class="info">%s%s %s</div>' % (date_label, E(pub_w), source)
            V = self.choose_variants(vr, {"d": d, "tpl": tpl, "sig": formal, "formal": formal}, force)
            if V is None:
                return None
            if "title-issuer" in V:
                paren = self.written_parenthetical(d, vr)
                if vr.random() < 0.5:
                    stamp += '<div class="subtitle" style="text-align:center">%s</div>' % E(paren)
                else:
                    lead = '<p style="text-align:center">%s</p>' % E(paren)
            body, atts = self.body_html(site, d, formal, docno_w, V, vr, lead)
        container = self.container(fam, rng)
        title_block = self.title_block(fam, title, rng)
        share = '<div class="fx fr"><span>分享到：</span><a>微信</a><a>微博</a></div>'
        related = self.related(site) if rng.random() < 0.6 else ""
        head_charset = self.charset_decl(site)
        column = d["column"]
        if "column-dynamic" in V:
            column = vr.choice(["工作动态", "新闻动态", "要闻动态"])
            for form in ('content="%s" name="ColumnName"', 'NAME="ColumnName" CONTENT="%s"', 'name="ColumnName" content="%s"'):
                head_meta = head_meta.replace(form % E(d["column"]), form % column)
        crumb = '<div class="crumb">当前位置：<a href="/">首页</a> &gt; %s</div>' % E(column)
        show["attachments"] = atts
        # the main text the body container holds, as zhengce parse gives a body (one paragraph a
        # line, no indent, no &nbsp;): what body_html writes around the paragraphs (document
        # number line, date parenthetical, attachment links and lists, signature and what follows
        # it) and the chrome around or inside the container are no part of it
        show["body"] = "\n".join(d["paras"])
        show["variants"] = V
        if V:
            container, crumb, nav, foot, share, body, title_block = self.chrome(
                site, d, column, V, vr, container, crumb, nav, foot, share, body, title_block)
        page = ("<!DOCTYPE html>\n<html>\n<head>\n%s<title>%s_%s</title>\n%s\n"
                '<link rel="stylesheet" href="/css/style.css">\n<script src="/js/common.js"></script>\n</head>\n'
                "<body>\n%s\n<div class=\"main\">\n%s\n%s\n%s\n%s\n%s\n</div>\n%s\n%s\n</body>\n</html>\n") % (
            head_charset, E(title), E(self.site_name(site)), head_meta, nav,
            crumb,
            meta_block if tpl == "table" else "", title_block + stamp + (meta_block if tpl != "table" else ""),
            container % body, share, related, foot)
        return page, show

    def written_parenthetical(self, d, vr):
        w = d["written"]
        y, m, dd = w.split("-")
        date = vr.choice(["%d年%d月%d日" % (int(y), int(m), int(dd)), cn_date(w)])
        return vr.choice(["（%s）" % date, "（%s印发）" % date, "（%s%s印发）" % (date, d["issuers"][0])])

    def chrome(self, site, d, column, V, vr, container, crumb, nav, foot, share, body, title_block):
        """the page's parts around the body under its variants"""
        if "body-class-zoom" in V:
            container = vr.choice(['<div class="zoom">%s</div>', '<div class="article zoom">%s</div>',
                                   '<div class="zoom" style="font-size:16px">%s</div>'])
        elif "body-other-family" in V:
            container = vr.choice(BODY_OTHER)
        elif "body-unknown" in V:
            container = vr.choice(BODY_UNKNOWN)
        if "chrome-counter" in V:
            crumb = ('<div class="position">您现在的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
                     '<a href="/zwgk/zcwj/">%s</a></div>' % E(column))
            counter = ('<div class="tools">【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
                       '<a href="javascript:doZoom(14)">小</a>】　浏览次数：<span id="hits">%d</span>　'
                       '<a href="javascript:window.print()">打印本页</a>　<a href="javascript:window.close()">关闭窗口</a></div>'
                       % (vr.randint(20, 99999)))
            if vr.random() < 0.5:
                title_block += counter
            else:
                share = counter + "\n" + share
        if "chrome-hidden-path" in V:
            path = '<div style="display:none">首页>政务公开>%s>%s</div>' % (
                vr.choice(["政策文件", "规范性文件", "通知公告"]), E(column))
            if vr.random() < 0.5:
                body = path + "\n" + body
            else:
                container = path + "\n" + container
        if "chrome-share" in V:
            share = ('<div class="bdsharebuttonbox"><span>分享到：</span><a class="bds_weixin" title="分享到微信">微信</a>'
                     '<a class="bds_tsina" title="分享到新浪微博">新浪微博</a><a class="bds_qzone">QQ空间</a></div>\n'
                     '<div class="xglj"><h4>相关链接</h4><ul><li><a href="/ztzl/yltjs/">医联体建设专栏</a></li>'
                     '<li><a href="/ztzl/dkzy/">对口支援工作动态</a></li><li><a href="/ztzl/qyzx/">区域医疗中心建设</a></li>'
                     '</ul></div>')
        if "chrome-footer" in V:
            j = site["jurisdiction"]
            short = "京" if j == "00" else PROV[j][3]
            code = "11" if j == "00" else j
            foot = ('<div class="footer"><p>主办单位：%s　承办单位：%s办公室</p>'
                    '<p><a href="https://beian.miit.gov.cn/">%sICP备%08d号-1</a>　%s公网安备 %s010202%06d号</p>'
                    '<p>网站标识码：%s　联系电话：%s-8700%04d</p></div>' % (
                        E(self.site_name(site)), E(self.site_name(site)), short, vr.randint(10000, 99999999),
                        short, code, vr.randint(0, 999999), site["host"], "010", vr.randint(0, 9999)))
        if "chrome-script" in V:
            end = vr.choice(["</div>", "<\\/div>"])
            nav = ('<div id="header"></div><script type="text/javascript">document.write(\'<div class="nav">'
                   '<a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/ztzl/yltjs/">医联体建设专栏</a>'
                   ' | <a href="/ztzl/dkzy/">对口支援</a>%s\');</script>' % end)
            foot = ('<div id="footer"></div><script src="/include/foot.js"></script>'
                    '<script>$("#footer").load("/include/footer.html");</script>')
        return container, crumb, nav, foot, share, body, title_block

    def templates(self, fam, d):
        if d.get("needs_table"):
            return ["table"]
        if fam == "govcn":
            return ["table", "table", "meta"]
        if fam == "nhc":
            return ["meta"]
        return ["table", "meta", "meta"]

    def container(self, fam, rng):
        choices = {
            "govcn": ['<div class="pages_content" id="UCAP-CONTENT">%s</div>',
                      '<table><tr><td id="UCAP-CONTENT" class="b12c">%s</td></tr></table>',
                      '<div class="TRS_UEDITOR">%s</div>'],
            "nhc": ['<div class="con" id="xw_box">%s</div>'],
            "hanweb-search": ['<div id="zoom">%s</div>'],
            "hanweb-jpage": ['<div id="zoom">%s</div>', '<div id="Zoom">%s</div>'],
            "trs-was5": ['<div class="TRS_Editor">%s</div>', '<div class="TRS_UEDITOR">%s</div>'],
            "trs-wcm": ['<div class="TRS_Editor">%s</div>', '<div class="TRS_UEDITOR">%s</div>',
                        '<div class="Custom_UnionStyle">%s</div>'],
            "vsb": ['<div id="vsb_content"><div class="v_news_content">%s</div></div>'],
            "thinkphp": ['<div class="con_wz">%s</div>'],
            "jsp": ['<div id="contents">%s</div>', '<div class="page_text">%s</div>'],
            "channels": ['<div class="content-content">%s</div>', '<div class="wy_contMain">%s</div>'],
        }[fam]
        return rng.choice(choices)

    def title_block(self, fam, title, rng):
        if fam == "nhc":
            return '<div class="tit">%s</div>' % E(title)
        return rng.choice(['<h1>%s</h1>', '<div class="title"><h1>%s</h1></div>',
                           '<div class="article-title">%s</div>']) % E(title)

    def charset_decl(self, site):
        if not site.get("declare", True):
            return ""
        cs = site["charset"]
        if self.rng.random() < 0.5:
            return '<meta charset="%s">\n' % cs
        return '<meta http-equiv="Content-Type" content="text/html; charset=%s">\n' % cs

    def encode(self, site, text):
        cs = site["charset"]
        if cs in ("gb2312", "gbk"):
            return text.encode("gb18030")
        return text.encode("utf-8")

    # -- the universe ---------------------------------------------------------------------------
    def render(self, new=False):
        """Article pages of the base documents (new=False) or of the documents published
        since (new=True), with their truth lines."""
        u = self.u
        truth = []
        self.set_urls()
        for d in u.docs:
            if bool(d.get("new")) != new:
                continue
            canonical_url = d["urls"][d["home"]]
            for host in d["hosts"]:
                site = u.site_by_host[host]
                url = d["urls"][host]
                path = url.split(host, 1)[1]
                text, show = self.article(site, d, host == d["home"])
                self.files[(host, path)] = self.encode(site, text)
                for _, apath in show["attachments"]:
                    self.files[(host, apath)] = b"%PDF-1.4\n% zhengce mirror attachment\n%%EOF\n"
                t = self.page_truth(site, d, show, url)
                truth.append(t)
                if not new:
                    self.index_page(site, d, url, path)
        if not new:
            # documents published since appear in search answers and lists too
            for d in u.docs:
                if d.get("new"):
                    for host in d["hosts"]:
                        url = d["urls"][host]
                        self.index_page(u.site_by_host[host], d, url, url.split(host, 1)[1])
        return truth

    def set_urls(self):
        u = self.u
        for d in u.docs:
            for host in d["hosts"]:
                site = u.site_by_host[host]
                d.setdefault("urls", {})[host] = self.url(site, self.article_path(site, d))

    def page_truth(self, site, d, show, url):
        """what a perfect tool extracts from the page and decides about it"""
        u = self.u
        host = site["host"]
        canonical_url = d["urls"][d["home"]]
        dup = host != d["home"]
        t = {
            "url": url, "site": host, "jurisdiction": d["juris"], "title": d["title"],
            "docno": d["docno"] if show["docno"] else "",
            "issuers": d["issuers"] if show["issuers"] else [],
            "written_date": d["written"] if show["written"] else "",
            "published_date": d["published"], "type": d["type"],
            "validity": show["validity"],
            "decision": "excluded" if dup else d["decision"],
            "reason": "duplicate" if dup else d["reason"],
            "canonical_url": canonical_url if dup else "",
            "entries": [] if dup or d["decision"] != "included" else d["entries_full"],
            "year": int((d["written"] if show["written"] else d["published"])[:4]),
            "charset": site["charset"] if site.get("declare", True) else "undeclared",
            "family": site["family"],
        }
        # the topic words the document holds (title and body), for tests that change
        # the profile: a perfect tool's reading of the text, from the generator's model
        from generate import TOPIC_KEYWORDS
        text = d["title"] + "\n" + "\n".join(d["paras"])
        t["keywords"] = [k for k in TOPIC_KEYWORDS if k in text]
        t["health_context"] = any(c in text for c in ("医", "卫生", "健康"))
        if d.get("new"):
            t["new"] = True
        if d.get("abolished_by"):
            ab = u.docs_by_id[d["abolished_by"]]
            t["abolished_by"] = ab["urls"][ab["home"]]
        t["attachments"] = [{"name": n, "url": self.url(site, p)} for n, p in show["attachments"]]
        t["body"] = show["body"]
        if show["variants"]:
            t["variants"] = show["variants"]
        return t

    def file_codes(self, truth):
        """File codes per jurisdiction in the order docs/DESIGN.md gives: written date (else
        published date), published date, document number, URL, each as the page shows it;
        documents published after the first crawl (--add) come after, as codes are never
        renumbered."""
        inc = [t for t in truth if t.get("decision") == "included"]
        by = {}
        for t in inc:
            by.setdefault(t["jurisdiction"], []).append(t)
        for j, ts in by.items():
            ts.sort(key=lambda t: (t.get("new", False), t["written_date"] or t["published_date"], t["published_date"],
                                   t["docno"], t["url"]))
            for i, t in enumerate(ts, 1):
                t["file_code"] = "%s-%d" % (j, i)
                for e in t["entries"]:
                    e["code"] = "%s-%d-%s" % (j, i, e["section_item"])

    def index_page(self, site, d, url, path):
        item = {"title": d["title"], "url": url, "path": path, "date": d["published"],
                "content": "".join(d["paras"]), "puborg": " ".join(d["issuers"]),
                "pcode": d["docno"], "id": d["id"], "order": h32(self.u.seed, "o", d["id"], site["host"])}
        if d.get("posted"):
            item["posted"] = d["posted"]
        self.search.setdefault(site["host"], []).append(item)

    # -- lists and search shells ----------------------------------------------------------------
    def lists_for(self, site):
        fam = site["family"]
        host = site["host"]
        items = newest_first(self.search.get(host, []))
        cs = self.charset_decl(site)
        enc = lambda t: self.encode(site, t)
        if fam == "nhc":
            per = PAGE_SIZE[fam]
            pages = max(1, (len(items) + per - 1) // per)
            for p in range(pages):
                chunk = items[p * per:(p + 1) * per]
                lis = "".join('<li><a href="%s" target="_blank" title="%s">%s</a><span class="ml">%s</span></li>\n'
                              % (x["path"], E(x["title"]), E(x["title"]), x["date"]) for x in chunk)
                name = "list.shtml" if p == 0 else "list_%d.shtml" % (p + 1)
                pg = "<script>createPageHTML('page_div',%d,%d,'list','shtml',%d);</script>" % (pages, p + 1, len(items))
                self.files[(host, "/wjw/gfxwjj/" + name)] = enc(
                    "<html><head>%s<title>规范性文件</title></head><body><ul class=\"zxxx_list\">\n%s</ul>"
                    "<div id=\"page_div\"></div>%s</body></html>\n" % (cs, lis, pg))
        elif fam == "trs-wcm":
            per = PAGE_SIZE[fam]
            pages = max(1, (len(items) + per - 1) // per)
            style = int(site["channelid"]) % 2
            for p in range(pages):
                chunk = items[p * per:(p + 1) * per]
                lis = "".join('<li><a href="%s" target="_blank">%s</a><span>%s</span></li>\n'
                              % (rel_link(x["path"]), E(x["title"]), x["date"]) for x in chunk)
                name = "index.html" if p == 0 else "index_%d.html" % p
                if style == 0:
                    pg = '<script>createPageHTML(%d, %d, "index", "html");</script>' % (pages, p)
                else:
                    pg = "<script>var countPage = %d; var currentPage = %d;</script>" % (pages, p)
                self.files[(host, "/zwgk/zcwj/" + name)] = enc(
                    "<html><head>%s<title>政策文件</title></head><body><ul class=\"list\">\n%s</ul>%s</body></html>\n" % (cs, lis, pg))
        elif fam == "vsb":
            per = PAGE_SIZE[fam]
            pages = max(1, (len(items) + per - 1) // per)
            for p in range(pages):
                chunk = items[p * per:(p + 1) * per]
                up = "../.." if p == 0 else "../../.."
                lis = "".join('<li><a href="%s%s">%s</a><span class="date">%s</span></li>\n'
                              % (up, x["path"], E(x["title"]), x["date"]) for x in chunk)
                # newest page is list.htm; older pages are numbered down to 1
                name = "list.htm" if p == 0 else "list/%d.htm" % (pages - p)
                nxt = ""
                if p < pages - 1:
                    nxt = '<a href="%s">下页</a>' % ("list/%d.htm" % (pages - 1) if p == 0 else "%d.htm" % (pages - p - 1))
                self.files[(host, "/zwgk/zcwj/" + name)] = enc(
                    "<html><head>%s<title>政策文件</title></head><body><ul class=\"wjlist\">\n%s</ul>"
                    "<div class=\"pb_sys_common\">共%d条 %d/%d %s</div></body></html>\n" % (cs, lis, len(items), p + 1, pages, nxt))
        elif fam == "thinkphp":
            per = PAGE_SIZE[fam]
            pages = max(1, (len(items) + per - 1) // per)
            for p in range(pages):
                chunk = items[p * per:(p + 1) * per]
                lis = "".join('<li><a href="%s">%s</a><em>%s</em></li>\n' % (x["path"], E(x["title"]), x["date"]) for x in chunk)
                self.files[(host, "/zwgk/all.shtml?typeid=%s&p=%d" % (site["typeid"], p + 1))] = enc(
                    "<html><head>%s</head><body><ul class=\"news-list\">\n%s</ul><div class=\"pages\">共 %d 页 "
                    "<a href=\"?typeid=%s&p=%d\">末页</a></div></body></html>\n" % (cs, lis, pages, site["typeid"], pages))
        elif fam == "jsp":
            per = PAGE_SIZE[fam]
            pages = max(1, (len(items) + per - 1) // per)
            for p in range(pages):
                chunk = items[p * per:(p + 1) * per]
                lis = "".join('<tr><td><a href="%s">%s</a></td><td>%s</td></tr>\n' % (x["path"], E(x["title"]), x["date"]) for x in chunk)
                self.files[(host, "/iList.jsp?cat_id=%s&cur_page=%d" % (site["channel"], p + 1))] = enc(
                    "<html><head>%s</head><body><table class=\"list\">\n%s</table><span class=\"total\">共%d页</span>"
                    "</body></html>\n" % (cs, lis, pages))
        elif fam == "channels":
            per = PAGE_SIZE[fam]
            pages = max(1, (len(items) + per - 1) // per)
            for p in range(pages):
                chunk = items[p * per:(p + 1) * per]
                lis = "".join('<li><a href="%s">%s</a><span>%s</span></li>\n' % (x["path"], E(x["title"]), x["date"]) for x in chunk)
                name = "/channels/%s.shtml" % site["channel"] if p == 0 else "/channels/%s_%d.shtml" % (site["channel"], p + 1)
                self.files[(host, name)] = enc(
                    "<html><head>%s</head><body><ul class=\"list-ul\">\n%s</ul><div class=\"page\">共%d页</div>"
                    "</body></html>\n" % (cs, lis, pages))
        elif fam == "hanweb-jpage":
            # the column page is a shell; the data comes from the jpage data proxy (server side)
            self.files[(host, "/col/col%s/index.html" % site["col"])] = enc(
                "<html><head>%s<title>政策文件</title></head><body><div id=\"%s\"></div>"
                "<script type=\"text/javascript\">$(function(){$('#%s').jpage({dataStore:[],"
                "proxyUrl:'/module/jpage/dataproxy.jsp',perPage:15,col:1,appid:1,webid:%s,path:'/',"
                "columnid:%s,sourceContentType:1,unitid:'%s',webname:'%s',permissiontype:0});});</script>"
                "</body></html>\n" % (cs, site["col"], site["col"], site["jurisdiction"], site["col"],
                                      int(site["col"]) % 100000, self.site_name(site)))
        elif fam == "hanweb-search":
            base = "/JSEARCHFRONT" if host in UPPER_HANWEB else "/jsearchfront"
            self.files[(host, base + "/search.do")] = enc(
                "<html><head>%s<title>搜索</title></head><body><div id=\"jcse-result\"></div>"
                "<script>var websiteid='%s';</script></body></html>\n" % (cs, site["websiteid"]))


def newest_first(items):
    """Items as a date-ordered engine or list gives them: by publication date, newest first;
    of one day, the one posted later first (documents published since a first crawl, in the
    order they came); then by the site's own order."""
    return sorted(items, key=lambda x: (x["date"], x.get("posted", 0), x["order"]), reverse=True)


EDIT_MARK = "（本文件已修订）"


def edit_pages(u, r, truth, n):
    """n old documents edited after a first crawl (--edit): a sentence of the home page's body
    gains EDIT_MARK, so the page's bytes and ETag change while its date and place in lists and
    searches stay; chosen from a stream of their own among the included documents."""
    import random
    rng = random.Random(u.seed * 7919 + 23)
    pool = sorted((d for d in u.docs if d["decision"] == "included" and not d.get("new")), key=lambda d: d["id"])
    by_url = {t["url"]: t for t in truth}
    for d in rng.sample(pool, min(n, len(pool))):
        host = d["home"]
        site = u.site_by_host[host]
        path = d["urls"][host].split(host, 1)[1]
        cs = "gb18030" if site["charset"] in ("gb2312", "gbk") else "utf-8"
        text = r.files[(host, path)].decode(cs)
        at = text.find("。", text.find("<body"))
        if at < 0:
            continue
        r.files[(host, path)] = (text[:at] + EDIT_MARK + text[at:]).encode(cs)
        t = by_url[d["urls"][host]]
        t["edited"] = True
        # the mark lands in the body's first sentence when the page's first 。 ends it (the
        # paragraph's text, escaped, stands right before it); the truth's body gains it there
        first = t["body"].find("。")
        if first >= 0 and text[:at].endswith(E(t["body"][:first].rsplit("\n", 1)[-1])):
            t["body"] = t["body"][:first] + EDIT_MARK + t["body"][first:]


def rel_link(path):
    """TRS lists link their own column's articles as ./YYYYMM/…; others by absolute path."""
    return "." + path[len("/zwgk/zcwj"):] if path.startswith("/zwgk/zcwj/") else path


def robots_txt(host):
    dis, delay = ROBOTS.get(host, (None, None))
    lines = ["# robots.txt for %s" % host, "User-agent: *"]
    if dis:
        lines.append("Disallow: %s" % dis)
    else:
        lines.append("Disallow:")
    if delay:
        lines.append("Crawl-delay: %d" % delay)
    lines.append("")
    lines.append("User-agent: BadBot")
    lines.append("Disallow: /")
    return ("\n".join(lines) + "\n").encode()


def prepare(u):
    u.docs_by_id = {d["id"]: d for d in u.docs}
    # entries with their text, from the generator's own outline
    for d in u.docs:
        d["entries_full"] = entries_with_text(d)


def render_page(u, d, host, force=None):
    """One article page of document d on host rendered under the variant force alone (None:
    under none), for tests: (html text, its truth line),
    or None when the variant cannot apply to this document.  The page's own stream of random
    choices depends on the document and host only, so every variant of it shows the same
    document written the same way."""
    if not hasattr(u, "docs_by_id"):
        prepare(u)
    r = Renderer(u, None)
    r.rng = random.Random(int(h32(u.seed, "page", d["id"], host), 16))
    if "urls" not in d:
        r.set_urls()
    site = u.site_by_host[host]
    res = r.article(site, d, host == d["home"], force=force)
    if res is None:
        return None
    text, show = res
    return text, r.page_truth(site, d, show, d["urls"][host])


def render_universe(u, out, variants=(), edit=0):
    prepare(u)
    r = Renderer(u, out, variants)
    truth = r.render()
    # plant one page per robots Disallow path, linked from search and lists: a crawler that
    # ignores robots.txt fetches it, and the mirror's request log shows it
    for host, (dis, _) in sorted(ROBOTS.items()):
        if not dis or host not in u.site_by_host:
            continue
        site = u.site_by_host[host]
        path = dis + "notice.html"
        url = r.url(site, path)
        r.files[(host, path)] = "<html><body><h1>内部资料 医联体</h1></body></html>\n".encode()
        r.search.setdefault(host, []).append({"title": "内部资料：医联体建设情况通报", "url": url, "path": path,
                                              "date": "2020-01-02", "content": "医联体", "puborg": "", "pcode": "",
                                              "id": 0, "order": "0"})
        truth.append({"url": url, "site": host, "disallowed": True})
    for site in u.sites:
        r.lists_for(site)
    # pages of documents published since a first crawl, from a stream of their own
    import random
    r.rng = random.Random(u.seed * 7919 + 17)
    truth += r.render(new=True)
    r.file_codes(truth)
    if edit:
        edit_pages(u, r, truth, edit)
    hosts = sorted({s["host"] for s in u.sites} | {"sousuo.www.gov.cn"})
    for host in hosts:
        r.files[(host, "/robots.txt")] = robots_txt(host)
    # write
    www = os.path.join(out, "www")
    for (host, path), data in sorted(r.files.items()):
        fp = os.path.join(www, host, quote_path(path))
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        with open(fp, "wb") as f:
            f.write(data)
    os.makedirs(os.path.join(out, "search"), exist_ok=True)
    for host, items in sorted(r.search.items()):
        items = sorted(items, key=lambda x: x["order"])
        with open(os.path.join(out, "search", host + ".json"), "w", encoding="utf-8") as f:
            json.dump(items, f, ensure_ascii=False, sort_keys=True)
    sites = []
    for s in u.sites:
        s2 = dict(s)
        s2["scheme"] = scheme_of(s)
        s2["upper"] = s["host"] in UPPER_HANWEB
        sites.append(s2)
    with open(os.path.join(out, "sites.json"), "w", encoding="utf-8") as f:
        json.dump({"seed": u.seed, "scale": u.scale, "sites": sites}, f, ensure_ascii=False, sort_keys=True, indent=1)
    with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in sorted(truth, key=lambda t: t["url"]):
            f.write(json.dumps(t, ensure_ascii=False, sort_keys=True) + "\n")
    # the final codes of the included entries, from the mirror's own model (codes.py)
    write_codes(out, u.seed, truth)
    with open(os.path.join(out, "cookies.txt"), "w") as f:
        f.write("# Netscape HTTP Cookie File\n# exported from a browser that passed www.nhc.gov.cn's check\n")
        for name in CHALLENGE_COOKIE:
            # the site sets the first one HttpOnly (serve.py), and a browser exports such a
            # cookie on a line of its own kind, which readers must not take for a comment
            prefix = "#HttpOnly_" if name == CHALLENGE_COOKIE[0] else ""
            f.write("%swww.nhc.gov.cn\tFALSE\t/\tTRUE\t0\t%s\t%s\n" % (prefix, name, challenge_value(u.seed, name)))


def challenge_value(seed, name):
    return hashlib.sha1(("zhengce-mirror-%s-%s" % (seed, name)).encode()).hexdigest()[:32]


def quote_path(path):
    """Map a URL path (with query) to a file name under the host's folder."""
    if "?" in path:
        p, q = path.split("?", 1)
        q = "&".join(sorted(q.split("&")))
        return p.lstrip("/") + "@" + q.replace("/", "%2F")
    return path.lstrip("/")


def entries_with_text(d):
    """The entries of an included document with their text: the outline unit's lines."""
    if d["decision"] != "included":
        return []
    paras = d["paras"]
    if d["entries"] == ["0-0"]:
        return [{"section_item": "0-0", "text": "\n".join(paras)}]
    units = {}
    sec = 0
    item = 0
    from generate import cn_number
    heads = {}
    for p in paras:
        s = section_of(p)
        if s:
            sec, item = s, 0
            heads[sec] = p
            continue
        i = item_of(p)
        if i:
            item = i
        if sec:
            units.setdefault((sec, item), []).append(p)
    out = []
    for e in d["entries"]:
        s, i = (int(x) for x in e.split("-"))
        lines = units[(s, i)]
        if i == 0:
            lines = [heads[s]] + lines
        out.append({"section_item": e, "text": "\n".join(lines)})
    return out


def section_of(p):
    from generate import cn_number
    for n in range(1, 30):
        if p.startswith(cn_number(n) + "、"):
            return n
    return 0


def item_of(p):
    from generate import cn_number
    for n in range(1, 30):
        if p.startswith("（%s）" % cn_number(n)) or p.startswith("(%s)" % cn_number(n)):
            return n
    return 0
