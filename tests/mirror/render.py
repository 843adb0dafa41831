"""Render the generated universe to files: article pages in each family's templates, list pages
with each pagination scheme, search indexes the server answers from, robots.txt, truth.jsonl.

Layout of the tree (DIR):
  www/<host>/<path>        static files, served as they are
  search/<host>.json       what the site's search engine knows (the server filters and pages it)
  sites.json               the mirror's own site model (family, ids, charset, hosts)
  truth.jsonl              one line per article page: what a perfect tool extracts and decides
  cookies.txt              the cookies a browser would hold after passing nhc.gov.cn's challenge
"""
import hashlib
import html
import json
import os

from sites import PROVINCES, ROBOTS

PROV = {p[0]: p for p in PROVINCES}
PAGE_SIZE = {"nhc": 24, "trs-wcm": 20, "vsb": 15, "thinkphp": 15, "jsp": 20, "channels": 20,
             "hanweb-jpage": 15}
SCHEME_HTTP = {"12", "14", "15", "36", "45", "53", "54", "63", "64"}
UPPER_HANWEB = {"www.ah.gov.cn", "www.hunan.gov.cn"}   # /JSEARCHFRONT/ in capitals
CHALLENGE_COOKIE = ("sVoELocvxVW0S", "sVoELocvxVW0T")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
E = html.escape


def scheme_of(site):
    j = site["jurisdiction"]
    return "http" if j in SCHEME_HTTP and site["kind"] == "hc" else "https"


def h32(*parts):
    return hashlib.md5("/".join(str(p) for p in parts).encode()).hexdigest()


def cn_date(iso, zero="〇"):
    from generate import cn_date as c
    return c(iso, zero)


class Renderer:
    def __init__(self, u, out):
        self.u = u
        self.rng = u.rng
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

    def body_html(self, site, d, with_signature, docno_line):
        rng = self.rng
        out = []
        ptag = rng.choice(["p", "p", "div"])
        indent = "\u3000\u3000" if rng.random() < 0.5 else ""
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
        if with_signature:
            lines, date = self.signature(d)
            for l in lines:
                out.append('<p style="text-align:right">%s</p>' % E(l))
            out.append('<p style="text-align:right">%s</p>' % E(date))
            if rng.random() < 0.25:
                out.append("<p>（联系人：王镕，电话：0571-8700%04d）</p>" % (d["id"] % 10000))
        return "\n".join(out)

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
    def article(self, site, d, canonical):
        """Render one article page of document d on site; returns (html text, page truth)."""
        rng = self.rng
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
        head_meta = self.meta_tags(site, d, title) if tpl in ("table", "meta") or rng.random() < 0.5 else ""
        # what the page shows decides what a perfect tool can know
        show = {"docno": bool(d["docno"]), "written": formal, "validity": validity_page,
                "issuers": formal or tpl == "table"}
        stamp = ""
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
            trs = "".join("<tr><td class=\"label\"><b>%s：</b></td><td>%s</td></tr>" % (E(a), E(b)) for a, b in rows)
            meta_block = '<table class="%s">%s</table>' % (cls, trs)
            sig = formal and rng.random() < 0.6
            body = self.body_html(site, d, sig, "")
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
            body = self.body_html(site, d, formal, docno_w)
        container = self.container(fam, rng)
        title_block = self.title_block(fam, title, rng)
        share = '<div class="fx fr"><span>分享到：</span><a>微信</a><a>微博</a></div>'
        related = self.related(site) if rng.random() < 0.6 else ""
        head_charset = self.charset_decl(site)
        page = ("<!DOCTYPE html>\n<html>\n<head>\n%s<title>%s_%s</title>\n%s\n"
                '<link rel="stylesheet" href="/css/style.css">\n<script src="/js/common.js"></script>\n</head>\n'
                "<body>\n%s\n<div class=\"main\">\n%s\n%s\n%s\n%s\n%s\n</div>\n%s\n%s\n</body>\n</html>\n") % (
            head_charset, E(title), E(self.site_name(site)), head_meta, nav,
            '<div class="crumb">当前位置：<a href="/">首页</a> &gt; %s</div>' % E(d["column"]),
            meta_block if tpl == "table" else "", title_block + stamp + (meta_block if tpl != "table" else ""),
            container % body, share, related, foot)
        return page, show

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
        for d in u.docs:
            for host in d["hosts"]:
                site = u.site_by_host[host]
                d.setdefault("urls", {})[host] = self.url(site, self.article_path(site, d))
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
                for a in d["attachments"]:
                    self.files[(host, "/attach/" + a["path"])] = b"%PDF-1.4\n% zhengce mirror attachment\n%%EOF\n"
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

    def file_codes(self, truth):
        """File codes per jurisdiction in written-date order (DESIGN.md section 3); documents
        published after the first crawl (--add) come after, as codes are never renumbered."""
        inc = [t for t in truth if t.get("decision") == "included"]
        by = {}
        for t in inc:
            by.setdefault(t["jurisdiction"], []).append(t)
        for j, ts in by.items():
            ts.sort(key=lambda t: (t.get("new", False), t["written_date"] or t["published_date"], t["url"]))
            for i, t in enumerate(ts, 1):
                t["file_code"] = "%s-%d" % (j, i)
                for e in t["entries"]:
                    e["code"] = "%s-%d-%s" % (j, i, e["section_item"])

    def index_page(self, site, d, url, path):
        item = {"title": d["title"], "url": url, "path": path, "date": d["published"],
                "content": "".join(d["paras"]), "puborg": " ".join(d["issuers"]),
                "pcode": d["docno"], "id": d["id"], "order": h32(self.u.seed, "o", d["id"], site["host"])}
        self.search.setdefault(site["host"], []).append(item)

    # -- lists and search shells ----------------------------------------------------------------
    def lists_for(self, site):
        fam = site["family"]
        host = site["host"]
        items = sorted(self.search.get(host, []), key=lambda x: (x["date"], x["order"]), reverse=True)
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


def render_universe(u, out):
    u.docs_by_id = {d["id"]: d for d in u.docs}
    # entries with their text, from the generator's own outline
    for d in u.docs:
        d["entries_full"] = entries_with_text(d)
    r = Renderer(u, out)
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
