"""Serve a generated mirror on 127.0.0.1: every host by its Host header, HTTP and HTTPS.

Static files come from DIR/www/<host>/; search endpoints (gov.cn JSON, Hanweb POST, TRS WAS5,
Hanweb jpage data proxy) are answered from DIR/search/<host>.json.  www.nhc.gov.cn answers 412
with a JavaScript cookie challenge unless the request carries the cookies of DIR/cookies.txt.
Faults are injected on demand (--faults).  Every request is logged (--log) so tests can check
politeness and robots.txt from the server's side.
"""
import gzip
import hashlib
import html
import io
import re
import json
import os
import random
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from render import quote_path, challenge_value, newest_first, CHALLENGE_COOKIE  # noqa: E402

LAST_MODIFIED = "Mon, 04 Nov 2024 08:00:00 GMT"


class Mirror:
    def __init__(self, root, faults, log):
        self.root = root
        with open(os.path.join(root, "sites.json"), encoding="utf-8") as f:
            meta = json.load(f)
        self.seed = meta["seed"]
        self.sites = {s["host"]: s for s in meta["sites"]}
        self.search = {}
        sdir = os.path.join(root, "search")
        for name in sorted(os.listdir(sdir)):
            with open(os.path.join(sdir, name), encoding="utf-8") as f:
                self.search[name[:-5]] = json.load(f)
        self.faults = parse_faults(faults)
        self.rng = random.Random(self.seed * 7919)
        self.lock = threading.Lock()
        self.log = open(log, "a", buffering=1) if log else None
        self.hits = {}
        self.cookie_ok = {n: challenge_value(self.seed, n) for n in CHALLENGE_COOKIE}
        self._bomb = None

    def bomb(self):
        """A gzip body of 64 KB that inflates to 64 MB (made once)."""
        if self._bomb is None:
            self._bomb = gzip.compress(b"<html><body>" + b"\0" * (64 << 20), 9)
        return self._bomb

    def roll(self, mode, host):
        f = self.faults.get(mode)
        if not f:
            return False
        rate, hosts = f
        if hosts and host not in hosts:
            return False
        with self.lock:
            return self.rng.random() < rate

    def write_log(self, host, method, target, status, size, extra="", fault="", arrived=None):
        """One line per request, stamped with the time the request arrived (politeness checks
        compare arrivals, not answers, which take longer for search than for files) and, last,
        the time its answer was ready (the server's own time on it, which a client's delay
        between the end of one request and the start of the next cannot save)."""
        if self.log:
            now = time.time()
            with self.lock:
                self.log.write("%.6f\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%.6f\n" % (arrived or now, host, method, target,
                                                                         status, size, extra, fault, now))


def content_type(site, fp):
    """the Content-Type the server sends for file fp of site (a sites.json entry)"""
    if fp.endswith(".txt"):
        return "text/plain"
    if fp.endswith(".pdf"):
        return "application/pdf"
    cs = site.get("charset", "utf-8")
    if site.get("header_lies"):
        return "text/html; charset=utf-8"
    if not site.get("declare", True) or cs != "utf-8":
        return "text/html"
    return "text/html; charset=utf-8"


def parse_faults(spec):
    """SPEC: comma-separated MODE[=RATE][@HOST[+HOST…]], e.g. "500=0.05,reset=0.02@www.gov.cn"."""
    out = {}
    for part in filter(None, (spec or "").split(",")):
        hosts = None
        if "@" in part:
            part, h = part.split("@", 1)
            hosts = set(h.split("+"))
        rate = 1.0
        if "=" in part:
            part, r = part.split("=", 1)
            rate = float(r)
        out[part] = (rate, hosts)
    return out


def quarter(path):
    """0 to 3, fixed for a path: which quarter of the articles a fault mode picks."""
    return int(hashlib.md5(path.encode()).hexdigest(), 16) % 4


def em(text, kw):
    return text.replace(kw, "<em>%s</em>" % kw) if kw else text


def matches(item, kw, title_only):
    if not kw:
        return True
    if kw in item["title"]:
        return True
    return not title_only and kw in item["content"]


def in_range(items, lo, hi):
    """the items published from lo to hi (YYYY-MM-DD, either empty for no bound)"""
    return [x for x in items if (not lo or x["date"] >= lo) and (not hi or x["date"] <= hi)]


class SocketWriter(io.BufferedIOBase):
    """Unbuffered writes to a socket, each whole (what the handler's own wfile does)."""

    def __init__(self, sock):
        self._sock = sock

    def writable(self):
        return True

    def write(self, b):
        self._sock.sendall(b)
        return len(b)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "Apache"
    sys_version = ""
    mirror = None
    tls_ctx = None      # the TLS port's context, for tunnels (do_CONNECT)

    def log_message(self, fmt, *args):
        pass

    # -- plumbing -----------------------------------------------------------------------
    def host(self):
        if self.path.startswith(("http://", "https://")):
            # absolute form: a client using the mirror as its proxy (benchmarks; wget2 speaks
            # TLS to its proxy for https:// URLs and asks for them in this form)
            return urllib.parse.urlsplit(self.path).hostname or ""
        h = (self.headers.get("Host") or "").lower()
        return h.split(":")[0]

    def reply(self, status, body, ctype="text/html; charset=utf-8", headers=(), truncate=False):
        truncate = (truncate or getattr(self, "truncate", False)) and len(body) > 1
        note = getattr(self, "note", "") + ("truncated " if truncate else "")
        # logged before the answer goes out: once a client has an answer, its line is in the log
        self.mirror.write_log(self.host(), self.command, self.path, status, len(body),
                              "ua=" + (self.headers.get("User-Agent") or ""), note.strip(), getattr(self, "arrived", None))
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if not truncate and not self.close_connection:
            # as Apache and nginx say it; wget2 closes a connection whose answer does not
            self.send_header("Connection", "keep-alive")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            if truncate:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            else:
                self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def parse_request(self):
        self.arrived = time.time()
        return super().parse_request()

    def do_GET(self):
        self.dispatch(b"")

    def do_CONNECT(self):
        """A client using the mirror as its proxy for https:// URLs (the benchmarks' wget2 and
        Scrapy): the tunnel ends here, in TLS with the mirror's certificate, and the requests
        that come through it are served as on the TLS port.  Only the mirror's own hosts."""
        host = self.path.rsplit(":", 1)[0].lower()
        if self.tls_ctx is None or host not in self.mirror.sites:
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.close_connection = True
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        try:
            conn = self.tls_ctx.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        self.connection = self.request = conn
        self.rfile = conn.makefile("rb", self.rbufsize)
        self.wfile = SocketWriter(conn)
        self.close_connection = False

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.dispatch(self.rfile.read(n) if n else b"")

    # -- faults ---------------------------------------------------------------------------
    def faulted(self, host):
        m = self.mirror
        if m.roll("slow", host):
            time.sleep(0.2 + 0.5 * m.rng.random())
            self.note = "slow "
        if m.roll("reset", host):
            m.write_log(host, self.command, self.path, 0, 0, "", "reset", self.arrived)
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
            except OSError:
                pass
            return True
        if m.roll("500", host):
            self.reply(500, b"<html><body>500 Internal Server Error</body></html>")
            return True
        if m.roll("503", host):
            self.reply(503, b"<html><body>503 Service Unavailable</body></html>", headers=[("Retry-After", "1")])
            return True
        if m.roll("ratelimit", host):
            self.reply(429, b"<html><body>Too Many Requests</body></html>", headers=[("Retry-After", "1")])
            return True
        if m.roll("redirect-loop", host):
            sep = "&" if "?" in self.path else "?"
            self.reply(302, b"", headers=[("Location", self.path + sep + "r=1")])
            return True
        if m.roll("waf", host):
            self.reply(521, b"<html><head><meta charset=\"utf-8\"></head><body><script>document.cookie='__jsl_clearance=1';location.reload()</script></body></html>")
            return True
        return False

    # -- dispatch -------------------------------------------------------------------------
    def dispatch(self, body):
        if self.path.startswith("http://"):
            u = urllib.parse.urlsplit(self.path)
            self.headers.replace_header("Host", u.netloc) if "Host" in self.headers else None
            self.path = u.path + ("?" + u.query if u.query else "")
        m = self.mirror
        self.truncate = False
        self.note = ""
        host = self.host()
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if body and "form" in (self.headers.get("Content-Type") or ""):
            for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                query.setdefault(k, v)
        q = lambda k, d="": (query.get(k) or [d])[0]
        site = m.sites.get(host)
        auth = m.faults.get("authority")
        if host == "127.0.0.1" and auth and auth[1]:
            # a client that took http://HOST:80@127.0.0.1:P/... for HOST: it reached us by the
            # address after the @, as libcurl does; answered with HOST's page so that a crawl
            # that does so stores it, and logged as such
            self.note = "authority "
            return self.static(sorted(auth[1])[0], path, "")
        if host not in m.sites and host != "sousuo.www.gov.cn":
            return self.reply(404, b"unknown host")
        if path != "/robots.txt" and self.faulted(host):
            return
        if host == "www.nhc.gov.cn" and path != "/robots.txt" and not self.passed_challenge():
            return self.challenge()
        self.truncate = m.roll("truncate", host) and path != "/robots.txt"
        redesign = m.faults.get("redesign")
        if host == "sousuo.www.gov.cn" and path == "/search-gov/data":
            if redesign and (not redesign[1] or host in redesign[1]):
                return self.reply(404, b"<html><body>404</body></html>")
            return self.govcn_search(q)
        fam = site["family"] if site else ""
        if fam == "hanweb-search":
            base = "/JSEARCHFRONT" if site.get("upper") else "/jsearchfront"
            if path == base + "/interfaces/cateSearch.do" and self.command == "POST":
                if redesign and host in (redesign[1] or ()):
                    return self.reply(404, b"<html><body>404</body></html>")
                return self.hanweb_search(site, q)
            if path == base + "/visit/link.do":
                return self.reply(302, b"", headers=[("Location", q("url"))])
        if fam == "hanweb-jpage" and path == "/module/jpage/dataproxy.jsp" and self.command == "POST":
            return self.jpage(site, q)
        if fam == "trs-was5" and path == "/was5/web/search":
            return self.was5(site, q)
        return self.static(host, path, url.query)

    def passed_challenge(self):
        cookies = {}
        for part in (self.headers.get("Cookie") or "").split(";"):
            if "=" in part:
                k, v = part.strip().split("=", 1)
                cookies[k] = v
        return all(cookies.get(k) == v for k, v in self.mirror.cookie_ok.items())

    def challenge(self):
        seed = hashlib.md5(self.path.encode()).hexdigest()
        body = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
                '<meta id="9DhefwqGPrzM" content="%s" r=\'m\'><!--[if lt IE 9]><script r=\'m\'>'
                'document.createElement("section")</script><![endif]--><script type="text/javascript" r=\'m\'>'
                '$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};$_ts.nsd=26471;$_ts.cd="qEt7rrAlEa";</script>'
                '<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r=\'m\'>'
                '</script></head><body></body></html>' % (seed * 4)).encode()
        name = CHALLENGE_COOKIE[0]
        self.reply(412, body, headers=[("Set-Cookie", "%s=%s; path=/; expires=Thu, 01 Jan 2037 00:00:00 GMT; HttpOnly"
                                        % (name, self.mirror.cookie_ok[name]))])

    def article_path(self, path):
        return path.endswith((".htm", ".html", ".shtml")) and "list" not in path and "index" not in path and \
            "channels" not in path and "/col/" not in path

    def url_faults(self, host, path, query):
        """longurl, authority and downgrade (see README.md): links and redirects that test how
        a crawler reads URLs.  Returns True when it answered."""
        m = self.mirror
        if m.roll("downgrade", host) and isinstance(self.connection, ssl.SSLSocket) and self.article_path(path):
            self.note = "downgrade "
            self.reply(302, b"", headers=[("Location", "http://%s%s" % (host, path))])
            return True
        if not isinstance(self.connection, ssl.SSLSocket) and "downgrade" in m.faults and \
                host in (m.faults["downgrade"][1] or ()):
            self.note = "plain "
        if m.roll("authority", host) and self.article_path(path) and "a=1" not in query and \
                self.host() == host and quarter(path) == 1:
            self.note = "authority-redirect "
            self.reply(302, b"", headers=[("Location", "http://%s:80@127.0.0.1:%d%s?a=1" % (host, m.http_port, path))])
            return True
        if m.roll("longurl", host) and self.article_path(path):
            if "from=" in query:
                # a redirect to a 20 KB URL (a path a tracking system made)
                self.note = "longurl "
                self.reply(302, b"", headers=[("Location", "%s?to=%s" % (path, "y" * 20000))])
                return True
        return False

    def link_faults(self, host, data):
        """A list page's article links, rewritten by longurl (600 bytes of tracking parameters)
        and authority (a quarter of the links through http://HOST:80@127.0.0.1:P)."""
        m = self.mirror

        def rewrite(mo):
            href = mo.group(1).decode()
            if not self.article_path(urllib.parse.urlsplit(href).path):
                return mo.group(0)
            u = urllib.parse.urlsplit(urllib.parse.urljoin("http://%s/" % host, href))
            if m.roll("authority", host) and quarter(u.path) == 0:
                href = "http://%s:80@127.0.0.1:%d%s" % (host, m.http_port, u.path)
            elif m.roll("longurl", host):
                href += ("&" if "?" in href else "?") + "from=" + "".join("%02x" % (b % 256) for b in range(300))
            return b'href="' + href.encode() + b'"'

        return re.sub(rb'href="([^"]+)"', rewrite, data)

    def static(self, host, path, query, truncate=False):
        if self.url_faults(host, path, query):
            return
        if "longurl" in self.mirror.faults and ("from=" in query or "to=" in query):
            query = ""
        if "authority" in self.mirror.faults and query == "a=1":
            query = ""
        root = os.path.join(self.mirror.root, "www", host)
        rel = quote_path(path + ("?" + query if query else ""))
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        fp = os.path.normpath(os.path.join(root, rel))
        if not fp.startswith(root + os.sep) or not os.path.isfile(fp):
            return self.reply(404, b"<html><head><title>404</title></head><body>404 Not Found</body></html>")
        with open(fp, "rb") as f:
            data = f.read()
        etag = '"%s"' % hashlib.md5(data).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag or (
                not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == LAST_MODIFIED):
            return self.reply(304, b"", ctype=None, headers=[("ETag", etag), ("Last-Modified", LAST_MODIFIED)])
        ctype = self.content_type(host, fp)
        headers = [("ETag", etag), ("Last-Modified", LAST_MODIFIED)]
        m = self.mirror
        article = fp.endswith((".htm", ".html", ".shtml")) and "list" not in fp and "index" not in fp and \
            "channels" not in fp and "/col/" not in fp
        if article and m.roll("bomb", host):
            self.note = "bomb "
            return self.reply(200, m.bomb(), ctype=ctype, headers=headers + [("Content-Encoding", "gzip")])
        if article and m.roll("huge", host):
            self.note = "huge "
            data = data.replace(b"</body>", b"<!--" + b"x" * (10 << 20) + b"--></body>")
        if m.roll("charset", host):
            self.note = "charset "
            ctype = "text/html; charset=big5"
        if article and m.roll("empty", host) and quarter(path) == 2:
            # a page that comes back empty (a CMS between two versions of it)
            self.note = "empty "
            return self.reply(200, b"", ctype=ctype, headers=headers)
        if article and m.roll("controls", host):
            # characters a cell or a terminal must never get: DEL, a C1 control, a right-to-left
            # override and an isolate, as references and as a raw control byte
            self.note = "controls "
            bad = b"&#x7f;&#x9b;&#x202e;\x01&#x2066;"
            data = re.sub(rb"(<title>|<h1>|<td[^>]*>)", lambda mo: mo.group(1) + bad, data)
            data = re.sub(rb'(<meta name="ArticleTitle" content=")', lambda mo: mo.group(1) + bad, data)
        if article and m.roll("pager", host):
            # an ordinary inline script whose text holds a challenge marker (r='m')
            self.note = "pager "
            data = data.replace(b"</head>", b"<script>var pager='m';</script></head>", 1)
        if not article and (("longurl" in m.faults) or ("authority" in m.faults)):
            data = self.link_faults(host, data)
        if not article and m.roll("endless", host):
            self.note = "endless "
            data = re.sub(rb"\xe5\x85\xb1(\d+)\xe9\xa1\xb5", "共99999页".encode(), data)
        self.reply(200, data, ctype=ctype, headers=headers, truncate=truncate)

    def content_type(self, host, fp):
        return content_type(self.mirror.sites.get(host) or {}, fp)

    # -- search engines -----------------------------------------------------------------
    def govcn_search(self, q):
        items = self.mirror.search.get("www.gov.cn", [])
        kw = q("q")
        t = q("t", "zhengcelibrary")
        title_only = q("searchfield", "title") == "title"
        try:
            page = max(1, int(q("p", "1")))
            n = min(100, max(1, int(q("n", "5"))))
        except ValueError:
            return self.reply(400, b'{"code":400,"msg":"bad request"}', "application/json;charset=UTF-8")
        hits = in_range([x for x in items if matches(x, kw, title_only)], q("mintime"), q("maxtime"))
        if q("sort") == "pubtime":
            hits = newest_first(hits)
        gw = [x for x in hits if x["puborg"].startswith("国务院")]
        bm = [x for x in hits if not x["puborg"].startswith("国务院")]

        def vo(x):
            y, mo, d = x["date"].split("-")
            ms = int(time.mktime(time.strptime(x["date"], "%Y-%m-%d"))) * 1000
            return {"title": em(x["title"], kw), "url": x["url"], "pubtimeStr": "%s.%s.%s" % (y, mo, d),
                    "ptime": ms, "puborg": x["puborg"], "pcode": x["pcode"],
                    "summary": em(x["content"][:80], kw) + "<br/>", "index": "000014349/%06d" % x["id"],
                    "id": x["id"], "childtype": "", "subchildtype": ""}

        sl = slice((page - 1) * n, page * n)
        if t == "zhengcelibrary_bm":
            out = {"code": 200, "msg": "ok", "searchVO": {"totalCount": len(bm), "listVO": [vo(x) for x in bm[sl]]}}
        elif t == "zhengcelibrary_gw":
            out = {"code": 200, "msg": "ok", "searchVO": {"catMap": {"gongwen": {"totalCount": len(gw), "listVO": [vo(x) for x in gw[sl]]}},
                                                          "totalCount": len(gw)}}
        else:
            out = {"code": 200, "msg": "ok", "searchVO": {"catMap": {
                "gongwen": {"totalCount": len(gw), "listVO": [vo(x) for x in gw[sl]]},
                "bumenfile": {"totalCount": len(bm), "listVO": [vo(x) for x in bm[sl]]}},
                "totalCount": len(hits)}}
        self.reply(200, json.dumps(out, ensure_ascii=False).encode(), "application/json;charset=UTF-8")

    def hanweb_search(self, site, q):
        if q("websiteid") != site["websiteid"]:
            return self.reply(200, b'{"success":false,"msg":"websiteid error","result":[],"total":0}',
                              "application/json;charset=UTF-8")
        kw = q("q")
        pos = q("pos", "title,content")
        try:
            page = max(1, int(q("p", "1")))
            pg = min(50, max(1, int(q("pg", "10"))))
        except ValueError:
            page, pg = 1, 10
        # no date order: Hanweb's sortFields is not honoured here (relevance only); begin/end
        # narrow by date as the real form does
        hits = in_range([x for x in self.mirror.search.get(site["host"], []) if matches(x, kw, "content" not in pos)],
                        q("begin"), q("end"))
        res = []
        base = "/JSEARCHFRONT" if site.get("upper") else "/jsearchfront"
        for x in hits[(page - 1) * pg: page * pg]:
            link = "visit/link.do?url=%s&title=%s&websiteid=%s" % (
                urllib.parse.quote(x["url"], safe=""), urllib.parse.quote(x["title"], safe=""), site["websiteid"])
            res.append('<div class="jcse-news-title"><a href="%s" target="_blank">%s</a></div>'
                       '<div class="jcse-news-abs">%s...</div><div class="jcse-news-url"><a>%s</a>'
                       '<span class="jcse-news-date">%s</span></div>' % (
                           html.escape(link), em(html.escape(x["title"]), kw), em(html.escape(x["content"][:60]), kw),
                           html.escape(x["url"]), x["date"]))
        out = {"success": True, "total": len(hits), "result": res, "searchBase": base}
        self.reply(200, json.dumps(out, ensure_ascii=False).encode(), "application/json;charset=UTF-8")

    def jpage(self, site, q):
        if q("columnid") != site["col"]:
            return self.reply(200, b'<?xml version="1.0" encoding="UTF-8"?><datastore><recordset></recordset><totalrecord>0</totalrecord></datastore>',
                              "text/xml;charset=UTF-8")
        items = newest_first(self.mirror.search.get(site["host"], []))
        try:
            start = max(1, int(q("startrecord", "1")))
            end = max(start, int(q("endrecord", "45")))
        except ValueError:
            start, end = 1, 45
        recs = "".join("<record><![CDATA[<li><a href='%s' target='_blank' title='%s'>%s</a><span>%s</span></li>]]></record>"
                       % (x["path"], html.escape(x["title"]), html.escape(x["title"]), x["date"]) for x in items[start - 1:end])
        body = ('<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp'
                '?page=1&appid=1&webid=%s&path=/&columnid=%s"></a>]]></nextgroup><recordset>%s</recordset>'
                '<totalrecord>%d</totalrecord></datastore>' % (site["jurisdiction"], site["col"], recs, len(items)))
        self.reply(200, body.encode(), "text/xml;charset=UTF-8")

    def was5(self, site, q):
        if q("channelid") != site["channelid"]:
            return self.reply(200, b'{"count":"0","docs":[]}', "text/html;charset=UTF-8")
        kw = q("searchword")
        try:
            page = max(1, int(q("page", "1")))
            per = min(50, max(1, int(q("prepage", "20"))))
        except ValueError:
            page, per = 1, 20
        hits = [x for x in self.mirror.search.get(site["host"], []) if matches(x, kw, False)]
        if q("sortfield") == "-docreltime":
            hits = newest_first(hits)
        docs = []
        for x in hits[(page - 1) * per: page * per]:
            content = x["content"][:70]
            content = content[:30] + "\n\u3000\u3000" + content[30:]   # raw newline inside a string
            docs.append('{"title":"%s","url":"%s","pubtime":"%s 09:30:00","content":"%s","source":"%s"}' % (
                x["title"].replace('"', '\\"'), x["url"], x["date"], content.replace('"', '\\"'), x["puborg"]))
        trailing = "," if docs and len(hits) % 2 else ""
        body = '{"count":"%d","page":"%d","docs":[%s%s]}' % (len(hits), page, ",\n".join(docs), trailing)
        self.reply(200, body.encode("utf-8"), "text/html;charset=UTF-8")


def serve(root, port, tls_port, faults, log):
    Handler.mirror = Mirror(root, faults, log)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 256

        def handle_error(self, request, client_address):
            # a client that hangs up (a crawler giving up on a bomb, a test ending) is not news
            if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, TimeoutError)):
                super().handle_error(request, client_address)

    httpd = Server(("127.0.0.1", port), Handler)
    servers = [httpd]
    if tls_port is not None:
        tls = Server(("127.0.0.1", tls_port), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(root, "tls", "server.pem"), os.path.join(root, "tls", "server.key"))
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True, do_handshake_on_connect=False)
        Handler.tls_ctx = ctx
        servers.append(tls)
    ports = [s.server_address[1] for s in servers]
    Handler.mirror.http_port = ports[0]
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    line = "listening on 127.0.0.1:%d" % ports[0]
    if len(ports) > 1:
        line += " tls 127.0.0.1:%d" % ports[1]
    print(line, flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
