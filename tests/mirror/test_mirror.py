#!/usr/bin/env python3
"""The mirror's own tests (no zhengce involved).
  test_mirror.py truth DIR          generate seed 1 and check every published figure
  test_mirror.py deterministic DIR  same seed -> identical tree; other seed -> other tree, same shape
  test_mirror.py serve DIR          curl --connect-to against a running mirror
"""
import hashlib
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import Mirror  # noqa: E402
sys.path.insert(0, HERE)


def generate(out, seed=1, scale=1, variants="default"):
    if os.path.exists(out):
        shutil.rmtree(out)
    t = time.time()
    subprocess.run([sys.executable, os.path.join(HERE, "mirror.py"), "generate", "--out", out, "--seed", str(seed),
                    "--scale", str(scale), "--variants", variants], check=True)
    return time.time() - t


def tree_hash(root):
    h = hashlib.sha256()
    for dirpath, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        if os.path.relpath(dirpath, root).split(os.sep)[0] == "tls":
            continue    # keys are made fresh; everything else is derived from the seed
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            h.update(os.path.relpath(p, root).encode())
            with open(p, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        sys.exit(1)


def main():
    mode, d = sys.argv[1], sys.argv[2]
    if mode == "truth":
        secs = generate(d)
        check(secs < 30, "generation at scale 1 took %.1f s (< 30 s)" % secs)
        subprocess.run([sys.executable, os.path.join(HERE, "check_truth.py"), d], check=True)
    elif mode == "deterministic":
        generate(d + "/a", 1)
        generate(d + "/b", 1)
        generate(d + "/c", 2)
        ha, hb, hc = tree_hash(d + "/a"), tree_hash(d + "/b"), tree_hash(d + "/c")
        check(ha == hb, "seed 1 twice: identical trees (%s)" % ha[:16])
        check(ha != hc, "seed 2: a different tree (%s)" % hc[:16])
        subprocess.run([sys.executable, os.path.join(HERE, "check_truth.py"), d + "/c"], check=True,
                       stdout=subprocess.DEVNULL)
        check(True, "seed 2 keeps the study's shape (check_truth.py)")
        # no presentation variant, and every one: still one tree per seed, the same study, and
        # the variants change the pages
        generate(d + "/v1", 1, variants="all")
        generate(d + "/v2", 1, variants="all")
        generate(d + "/v0", 1, variants="none")
        hv1, hv2, hv0 = tree_hash(d + "/v1"), tree_hash(d + "/v2"), tree_hash(d + "/v0")
        check(hv1 == hv2, "seed 1 with every variant twice: identical trees (%s)" % hv1[:16])
        check(hv1 != hv0, "every variant on: other pages than with none")
        for v in ("/v1", "/v0"):
            subprocess.run([sys.executable, os.path.join(HERE, "check_truth.py"), d + v], check=True,
                           stdout=subprocess.DEVNULL)
        check(True, "every variant on, and none, keep the study's shape (check_truth.py)")
        r = subprocess.run([sys.executable, os.path.join(HERE, "mirror.py"), "generate", "--out", d + "/bad",
                            "--variants", "meta-dl,no-such-variant"], capture_output=True, text=True)
        check(r.returncode != 0 and "unknown variant no-such-variant" in r.stderr,
              "an unknown variant is refused by name")
    elif mode == "serve":
        generate(d)
        log = d + "/requests.log"
        p = Mirror(d, log=log)
        try:
            check("listening on 127.0.0.1:" in p.line, "server says: " + p.line.strip())
            http, tls = p.http, p.tls

            def curl(host, path, scheme="https", extra=()):
                port = tls if scheme == "https" else http
                std = 443 if scheme == "https" else 80
                r = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10",
                                    "--connect-to", "%s:%d:127.0.0.1:%d" % (host, std, port),
                                    "--cacert", d + "/tls/ca.pem", *extra, "%s://%s%s" % (scheme, host, path)],
                                   capture_output=True)
                body, _, code = r.stdout.rpartition(b"\n")
                return int(code or 0), body

            code, body = curl("sousuo.www.gov.cn", "/search-gov/data?t=zhengcelibrary_gw&q=%E5%8C%BB%E8%81%94%E4%BD%93&searchfield=title:content:summary&p=1&n=5")
            check(code == 200 and b'"searchVO"' in body and b"listVO" in body, "gov.cn search answers JSON over HTTPS")
            code, body = curl("www.nhc.gov.cn", "/wjw/gfxwjj/list.shtml")
            check(code == 412 and b"$_ts" in body, "www.nhc.gov.cn answers 412 with a JavaScript challenge without cookies")
            code, body = curl("www.nhc.gov.cn", "/wjw/gfxwjj/list.shtml", extra=("-b", d + "/cookies.txt"))
            check(code == 200 and "zxxx_list".encode() in body, "www.nhc.gov.cn answers 200 with the browser's cookies")
            code, body = curl("wsjkw.gxzf.gov.cn", "/channels/145.shtml", scheme="http")
            ok = code == 200
            try:
                body.decode("utf-8")
                ok = False
            except UnicodeDecodeError:
                ok = ok and "卫生".encode("gb18030") in body or b"gb2312" in body
            check(ok, "a GB-encoded list page (gb2312 declared, not UTF-8)")
            code, body = curl("www.zj.gov.cn", "/robots.txt", extra=("-i",))
            check(code == 200 and b"Disallow: /internal/" in body, "robots.txt with Disallow")
            check(b"\r\nConnection: keep-alive\r\n" in body, "answers say the connection stays open, as Apache does")
            code, body = curl("wjw.xinjiang.gov.cn", "/robots.txt")
            check(code == 200 and b"Crawl-delay: 1" in body, "robots.txt with Crawl-delay")
            code, body = curl("www.zj.gov.cn", "/jsearchfront/interfaces/cateSearch.do", extra=("-d", "websiteid=330000000000098&q=%E5%8C%BB%E8%81%94%E4%BD%93&p=1&pg=10"))
            check(code == 200 and b'"result"' in body, "Hanweb search answers a POST with JSON snippets")

            def via_proxy(url):
                """curl using the mirror as its proxy, as the benchmarks' wget2 and Scrapy do"""
                r = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_connect} %{http_code}", "--max-time", "10",
                                    "-x", "http://127.0.0.1:%d" % http, "--cacert", d + "/tls/ca.pem", url],
                                   capture_output=True)
                body, _, codes = r.stdout.rpartition(b"\n")
                connect, code = (int(x) for x in codes.split())
                return connect, code, body

            connect, code, body = via_proxy("https://www.zj.gov.cn/robots.txt")
            check(connect == 200 and code == 200 and b"Disallow: /internal/" in body,
                  "https:// through the mirror as a proxy: a CONNECT tunnel ending in TLS")
            connect, code, body = via_proxy("http://www.zj.gov.cn/robots.txt")
            check(code == 200 and b"Disallow: /internal/" in body, "http:// through the mirror as a proxy")
            # wget2's way: TLS to the TLS port (the site's name in SNI), the absolute URL inside
            ctx = ssl.create_default_context(cafile=d + "/tls/ca.pem")
            with socket.create_connection(("127.0.0.1", tls), timeout=10) as raw:
                with ctx.wrap_socket(raw, server_hostname="www.zj.gov.cn") as t:
                    t.sendall(b"GET https://www.zj.gov.cn/robots.txt HTTP/1.1\r\nHost: www.zj.gov.cn\r\n"
                              b"Connection: close\r\n\r\n")
                    answer = b""
                    while True:
                        chunk = t.recv(65536)
                        if not chunk:
                            break
                        answer += chunk
            check(answer.startswith(b"HTTP/1.1 200") and b"Disallow: /internal/" in answer,
                  "an absolute https:// URL asked on the TLS port (a client treating it as its proxy)")
            connect, code, body = via_proxy("https://example.com/")
            check(connect == 403 and code != 200, "no tunnel to a host the mirror does not serve")
            time.sleep(0.2)
            lines = open(log).read().splitlines()
            check(len(lines) >= 7, "every request is logged (%d lines)" % len(lines))
        finally:
            p.stop()
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
