/* robots.txt, the answer formats and templates, with answers written by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>
#include <cmocka.h>
#include <zlib.h>

#include "crawler.h"
#include "zc.h"

static void test_robots(void **state)
{
	(void)state;
	const char *txt = "User-agent: *\nDisallow: /private/\nAllow: /private/open/\nDisallow: /*.pdf$\nCrawl-delay: 3\n\n"
			  "User-agent: BadBot\nDisallow: /\n";
	zc_robots *r = zc_robots_parse(txt, strlen(txt), "zhengce");
	assert_true(zc_robots_allowed(r, "/zwgk/1.html"));
	assert_false(zc_robots_allowed(r, "/private/x.html"));
	assert_true(zc_robots_allowed(r, "/private/open/x.html"));
	assert_false(zc_robots_allowed(r, "/a/b.pdf"));
	assert_true(zc_robots_allowed(r, "/a/b.pdf?x=1"));
	assert_true(zc_robots_allowed(r, "/robots.txt"));
	assert_true(zc_robots_delay(r) == 3.0);
	zc_robots_free(&r);
	const char *mine = "User-agent: *\nDisallow: /\n\nUser-agent: zhengce\nDisallow: /admin/\n";
	r = zc_robots_parse(mine, strlen(mine), "zhengce");
	assert_true(zc_robots_allowed(r, "/zwgk/"));
	assert_false(zc_robots_allowed(r, "/admin/x"));
	assert_true(zc_robots_delay(r) < 0);
	zc_robots_free(&r);
	/* a hostile file: many stars must not make matching exponential */
	const char *hostile = "User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n";
	r = zc_robots_parse(hostile, strlen(hostile), "zhengce");
	assert_true(zc_robots_allowed(r, "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(zc_robots_allowed(r, "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
	zc_robots_free(&r);
	r = zc_robots_all(0);
	assert_false(zc_robots_allowed(r, "/"));
	zc_robots_free(&r);
}

static void test_templates(void **state)
{
	(void)state;
	char *s = zc_template_expand("q={kw}&p={page}&i=index_{page0}&r={rpage}&s={start}-{end}", "医联体", 3, 10, 45);
	assert_string_equal(s, "q=%E5%8C%BB%E8%81%94%E4%BD%93&p=3&i=index_2&r=8&s=91-135");
	free(s);
}

static void parse_ok(const char *answer, const char *body, size_t want_n, long want_pages, const char *first)
{
	zc_endpoint ep = {0};
	ep.answer = (char *)answer;
	ep.page_size = 20;
	ep.items = "//ul[@class='l']/li/a/@href";
	ep.pages = "createPageHTML\\((\\d+)";
	zc_links l;
	assert_int_equal(zc_answer_parse(&ep, "https://s.gov.cn/a/index.html", body, strlen(body), "text/html; charset=utf-8", &l), 0);
	assert_int_equal(l.n, want_n);
	assert_int_equal(l.pages, want_pages);
	if (first)
		assert_string_equal(l.urls[0], first);
	zc_links_free(&l);
}

static void test_answers(void **state)
{
	(void)state;
	parse_ok("govcn-json",
		 "{\"code\":200,\"searchVO\":{\"catMap\":{\"gongwen\":{\"totalCount\":41,\"listVO\":[{\"title\":\"<em>医联体</em>\","
		 "\"url\":\"https://www.gov.cn/zhengce/content/2017-04/26/content_5189071.htm\"}]}}}}",
		 1, 3, "https://www.gov.cn/zhengce/content/2017-04/26/content_5189071.htm");
	parse_ok("hanweb-json",
		 "{\"total\":21,\"result\":[\"<div><a href=\\\"visit/link.do?url=https%3A%2F%2Fwww.zj.gov.cn%2Fart%2F2020%2F1%2F2%2Fart_1_2.html&amp;title=x\\\">x</a></div>\"]}",
		 1, 2, "https://www.zj.gov.cn/art/2020/1/2/art_1_2.html");
	/* TRS: raw newlines and U+3000 inside strings, a trailing comma */
	parse_ok("trs-was5", "{\"count\":\"40\",\"docs\":[{\"title\":\"a\",\"url\":\"./202001/t1.html\",\"content\":\"x\n\xe3\x80\x80y\"},]}",
		 1, 2, "https://s.gov.cn/a/202001/t1.html");
	parse_ok("jpage-xml", "<?xml version=\"1.0\"?><datastore><recordset><record><![CDATA[<li><a href='/art/2020/1/2/art_1_3.html'>t</a></li>]]></record>"
		 "</recordset><totalrecord>50</totalrecord></datastore>", 1, 3, "https://s.gov.cn/art/2020/1/2/art_1_3.html");
	parse_ok("html-list", "<ul class='l'><li><a href='./1.html'>a</a></li><li><a href='/2.html'>b</a></li></ul>"
		 "<script>createPageHTML(7, 0, \"index\", \"html\");</script>", 2, 7, "https://s.gov.cn/a/1.html");
	/* a total past what a long holds (strtol gives LONG_MAX): the page count is still exact
	   (the crawl stops at the endpoint's max_pages and says how many were announced) */
	parse_ok("jpage-xml", "<?xml version=\"1.0\"?><datastore><recordset></recordset>"
		 "<totalrecord>311111111111111111111111111111</totalrecord></datastore>", 0, 461168601842738791L, NULL);
	parse_ok("trs-was5", "{\"count\":\"99999999999999999999999\",\"docs\":[]}", 0, 461168601842738791L, NULL);
	zc_endpoint ep = {0};
	ep.answer = "govcn-json";
	zc_links l;
	assert_int_not_equal(zc_answer_parse(&ep, "https://x/", "<html>redesigned</html>", 23, NULL, &l), 0);
}

/* the date of each result, as each family writes it (the re-crawl's stop rule reads them) */
static void days_ok(const char *answer, const char *items, const char *body, int d0, int d1)
{
	zc_endpoint ep = {0};
	ep.answer = (char *)answer;
	ep.page_size = 20;
	ep.items = (char *)items;
	zc_links l;
	assert_int_equal(zc_answer_parse(&ep, "https://s.gov.cn/a/", body, strlen(body), "text/html; charset=utf-8", &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.days[0], d0);
	assert_int_equal(l.days[1], d1);
	zc_links_free(&l);
}

static void test_result_days(void **state)
{
	(void)state;
	assert_int_equal(zc_text_last_day("2024-10-31", 10), 20241031);
	assert_int_equal(zc_text_last_day("x 2017.4.6 y", 12), 20170406);
	/* the last of several: a result shows its URL (a path with a date in it) before its date */
	const char *t = "关于…的通知 https://x.gov.cn/art/2020/1/2/art_1.html 2021年3月4日";
	assert_int_equal(zc_text_last_day(t, strlen(t)), 20210304);
	assert_int_equal(zc_text_last_day("no date 12024-10-31 20241031 2024-13-01", 39), 0);
	assert_int_equal(zc_text_last_day("2024-10-3", 8), 0);	/* cut short by len */
	days_ok("govcn-json", NULL,
		"{\"searchVO\":{\"totalCount\":2,\"listVO\":[{\"url\":\"/a.htm\",\"pubtimeStr\":\"2017.04.26\"},"
		"{\"url\":\"/b.htm\"}]}}", 20170426, 0);
	days_ok("hanweb-json", NULL,
		"{\"total\":2,\"result\":[\"<div><a href=\\\"/art/2020/1/2/a.html\\\">x</a></div><a>/art/2020/1/2/a.html</a>"
		"<span class=\\\"jcse-news-date\\\">2020-01-05</span>\",\"<a href=\\\"/b.html\\\">y</a>\"]}", 20200105, 0);
	days_ok("trs-was5", NULL, "{\"count\":\"2\",\"docs\":[{\"url\":\"/a\",\"pubtime\":\"2019-05-14 09:30:00\"},{\"url\":\"/b\"}]}",
		20190514, 0);
	days_ok("jpage-xml", NULL, "<datastore><recordset><record><![CDATA[<li><a href='/a'>t</a><span>2020-01-02</span></li>]]></record>"
		"<record><![CDATA[<li><a href='/b'>u</a><span>2019-12-30</span></li>]]></record></recordset><totalrecord>2</totalrecord></datastore>",
		20200102, 20191230);
	/* a date beside the link, or in the row that holds it alone; never one of the whole list */
	days_ok("html-list", "//a/@href", "<table><tr><td><a href='/a'>t</a></td><td>2018-03-04</td></tr>"
		"<tr><td><a href='/b'>u</a></td></tr></table><p>2024-01-01</p>", 20180304, 0);
	days_ok("html-list", "//ul/li/a/@href", "<ul><li><a href='/a'>t</a><span class='ml'>2019-05-14</span></li>"
		"<li><a href='/b'>u</a></li><li>2011-01-01</li></ul>", 20190514, 0);
}

static int count_record(json_t *h, const char *block, size_t len, void *arg)
{
	(void)h;
	(void)block;
	(void)len;
	(*(int *)arg)++;
	return 0;
}

/* the WARC-Record-ID of the record read; fails unless it is a response */
static int record_id(json_t *h, const char *block, size_t len, void *arg)
{
	(void)block;
	(void)len;
	snprintf(arg, 80, "%s", json_string_value(json_object_get(h, "WARC-Record-ID")));
	return strcmp(json_string_value(json_object_get(h, "WARC-Type")), "response") ? -100 : 0;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void on_cut(const char *file, long long cut, void *arg)
{
	(void)file;
	*(long long *)arg += cut;
}

/* A seed file with one mistake is refused at load, naming the file, the site and the field;
   each of these used to load (and fetch page 1 only, or nothing, or the wrong site) */
static void test_seeds_refused(void **state)
{
	(void)state;
	static const char *const good =
		"{\"sites\": [{\"host\": \"wjw.a.gov.cn\", \"jurisdiction\": \"33\", \"issuer_kind\": \"hc\", "
		"\"family\": \"vsb\", \"hosts\": [\"s.a.gov.cn\"], \"lists\": [{\"answer\": \"html-list\", "
		"\"url\": \"https://wjw.a.gov.cn/list.htm\", \"next\": \"https://wjw.a.gov.cn/list/{rpage}.htm\", "
		"\"items\": \"//ul[@class='l']/li/a/@href\", \"pages\": \"共(\\\\d+)页\"}], "
		"\"search\": [{\"answer\": \"trs-was5\", \"page_size\": 20, "
		"\"url\": \"https://s.a.gov.cn/was5?q={kw}&p={page}\"}]}, "
		"{\"host\": \"www.b.gov.cn\", \"jurisdiction\": \"34\", \"issuer_kind\": \"gov\", \"family\": \"trs\", "
		"\"search\": [{\"answer\": \"trs-was5\", \"url\": \"https://www.b.gov.cn/was5?q={kw}&p={page}\"}]}]}";
	static const struct {
		const char *from, *to, *says;
	} bad[] = {
		{"共(\\\\d+)页", "共(\\\\d+页", "\"pages\" does not compile"},
		{"共(\\\\d+)页", "共\\\\d+页", "\"pages\" has no group"},
		{"{rpage}", "{rpag}", "unknown variable {rpag}"},
		{"\"vsb\"", "\"vbs\"", "unknown \"family\" vbs"},
		{"\"family\": \"trs\", ", "\"family\": \"trs\", \"hosts\": [\"s.a.gov.cn\"], ", "host s.a.gov.cn is also wjw.a.gov.cn's"},
		{"@class='l']", "@class='l'", "\"items\" is not an XPath"},
		{"\"lists\": [", "\"list\": [", "unknown field \"list\""},
		{"\"page_size\": 20", "\"page_szie\": 20", "unknown field \"page_szie\""},
		{"\"page_size\": 20", "\"page_size\": \"20\"", "\"page_size\" must be a whole number"},
		{"https://s.a.gov.cn/was5", "https://t.a.gov.cn/was5", "on t.a.gov.cn, which is not the site's host"},
		{"https://s.a.gov.cn/was5", "https://s.a.gov.cn@127.0.0.1/was5", "without user info"},
		{"\"hosts\": [\"s.a.gov.cn\"]", "\"hosts\": [\"S.a.gov.cn\"]", "not a plain lower-case host name"},
		{"\"jurisdiction\": \"33\"", "\"jurisdiction\": \"3x\"", "two-digit \"jurisdiction\""},
	};
	char path[] = "/tmp/zc-seeds-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	zc_seeds sd;
	char *err = NULL;
	FILE *f = fopen(path, "w");
	fputs(good, f);
	fclose(f);
	assert_int_equal(zc_seeds_load(path, &sd, &err), ZC_OK);
	assert_int_equal(sd.n, 2);
	zc_seeds_free(&sd);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *at = strstr(good, bad[i].from);
		assert_non_null(at);
		f = fopen(path, "w");
		fprintf(f, "%.*s%s%s", (int)(at - good), good, bad[i].to, at + strlen(bad[i].from));
		fclose(f);
		err = NULL;
		int rc = zc_seeds_load(path, &sd, &err);
		if (rc == ZC_OK || !err || !strstr(err, bad[i].says) || !strstr(err, path) || !strstr(err, ".gov.cn"))
			fail_msg("case %zu (%s): rc %d, message: %s", i, bad[i].says, rc, err ? err : "none");
		free(err);
	}
	unlink(path);
}

/* An answer of 160,000 links, a quarter of them repeats: each kept once, in answer order, in
   time linear in the links (the scan of the links kept for each new one took 46 s) */
static void test_answer_many_links(void **state)
{
	(void)state;
	enum { N = 160000 };
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_buf_cats(&b, "{\"searchVO\":{\"totalCount\":160000,\"listVO\":[");
	for (long i = 0; i < N; i++)
		zc_buf_catf(&b, "%s{\"url\":\"https://www.gov.cn/zhengce/content/%ld.htm\"}", i ? "," : "",
			      i % 4 == 3 ? i - 3 : i);
	zc_buf_cats(&b, "]}}");
	zc_endpoint ep = {.answer = "govcn-json", .page_size = 100, .max_pages = 500};
	zc_links l;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(zc_answer_parse(&ep, "https://sousuo.www.gov.cn/search-gov/data", b.data, b.len, "application/json", &l),
			 ZC_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(l.n, N / 4 * 3);
	char want[96];
	for (size_t k = 0, i = 0; i < N; i++) {
		if (i % 4 == 3)
			continue;
		snprintf(want, sizeof want, "https://www.gov.cn/zhengce/content/%zu.htm", i);
		assert_string_equal(l.urls[k++], want);
	}
	/* a few tenths of a second here, a few seconds under the sanitizers on a busy machine */
	if (secs > 10)
		fail_msg("160,000 links took %.1f s", secs);
	zc_links_free(&l);
	zc_buf_free(&b);
}

/* Scope is decided on what libcurl connects to: the authority after any user info, IP literals
   in every notation libcurl accepts, percent-encoded and upper-case hosts, ports */
static void test_url_target(void **state)
{
	(void)state;
	static const struct {
		const char *url, *host;	/* host NULL: refused */
		int port;
	} cases[] = {
		{"https://www.zj.gov.cn/art/1.html", "www.zj.gov.cn", 443},
		{"HTTPS://Www.Zj.Gov.Cn:8443/a", "www.zj.gov.cn", 8443},
		{"http://www.%7aj.gov.cn/a", "www.zj.gov.cn", 80},	/* libcurl connects to the decoded name */
		{"http:/www.zj.gov.cn/a", "www.zj.gov.cn", 80},
		{"http://www.zj.gov.cn:80@127.0.0.1:28199/x", NULL, 0},
		{"http://evil.example\\@www.zj.gov.cn/", NULL, 0},
		{"http://www.zj.gov.cn:@127.0.0.1/", NULL, 0},
		{"http://2130706433/x", NULL, 0},
		{"http://0177.0.0.1/", NULL, 0},
		{"http://0x7f.1/", NULL, 0},
		{"http://127.0.0.1:8080/", NULL, 0},
		{"http://169.254.169.254/latest/meta-data/", NULL, 0},
		{"http://[::1]:80/", NULL, 0},
		{"http://[::ffff:127.0.0.1]/", NULL, 0},
		{"http://WWW.ZJ.GOV.CN./a", NULL, 0},
		{"ftp://www.zj.gov.cn/", NULL, 0},
		{"file:///etc/passwd", NULL, 0},
		{"http://www.zj.gov.cn:99999/", NULL, 0},
		{"http://www.zj.gov.cn\\evil/", NULL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char host[256];
		int port = 0;
		const char *why = NULL;
		int rc = zc_url_target(cases[i].url, host, sizeof host, &port, &why);
		if (cases[i].host ? rc != ZC_OK || strcmp(host, cases[i].host) || port != cases[i].port
				  : rc != ZC_ESCOPE || !why)
			fail_msg("%s: rc %d host %s port %d (%s)", cases[i].url, rc, host, port, why ? why : "usable");
	}
}

/* the headers of the record read (a copy), for a test to look at */
static int keep_headers(json_t *h, const char *block, size_t len, void *arg)
{
	(void)block;
	(void)len;
	json_t **out = arg;
	json_decref(*out);
	*out = json_deep_copy(h);
	return 0;
}

/* A revisit of a URL of any length keeps every header whole: its headers were built in a
   400-byte buffer, which dropped the payload digest and ran the URL into the next header */
static void test_warc_long_url(void **state)
{
	(void)state;
	char dir[] = "/tmp/zc-warc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	zc_warc *w;
	assert_int_equal(zc_warc_open(dir, 0, &w), 0);
	char url[2100];
	int n = snprintf(url, sizeof url, "https://www.zj.gov.cn/jsearchfront/visit/link.do?url=");
	memset(url + n, 'q', sizeof url - (size_t)n - 1);
	url[sizeof url - 1] = '\0';
	const char *req = "GET / HTTP/1.1\r\nHost: www.zj.gov.cn\r\n\r\n";
	const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";
	const char *body = "<html><body><h1>关于推进医疗联合体建设和发展的指导意见</h1></body></html>";
	char digest[48];
	zc_warc_digest(body, strlen(body), digest);
	zc_warc_ref ref;
	for (size_t len = 290; len < sizeof url; len += 450) {
		char saved = url[len];
		url[len] = '\0';
		assert_int_equal(zc_warc_exchange(w, url, req, strlen(req), head, strlen(head), body, strlen(body), digest, 200,
						  digest, &ref), 0);
		assert_int_equal(zc_warc_sync(w), 0);
		char path[256];
		snprintf(path, sizeof path, "%s/warc/%s", dir, ref.file);
		json_t *h = NULL;
		assert_int_equal(zc_warc_read_at(path, ref.offset, keep_headers, &h), 0);
		assert_string_equal(json_string_value(json_object_get(h, "WARC-Type")), "revisit");
		assert_string_equal(json_string_value(json_object_get(h, "WARC-Target-URI")), url);
		assert_string_equal(json_string_value(json_object_get(h, "WARC-Refers-To-Target-URI")), url);
		assert_string_equal(json_string_value(json_object_get(h, "WARC-Payload-Digest")), digest);
		assert_string_equal(json_string_value(json_object_get(h, "Content-Type")), "application/http;msgtype=response");
		json_decref(h);
		url[len] = saved;
	}
	zc_warc_close(&w);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* A crawl killed in the middle of a record: the file ends in part of a gzip member and its
   marker stays.  zhengce check reads the records before the part, the next crawl cuts it; with
   no marker (a file closed) such an end is a cut all the same, ZC_ECUT, never read as whole. */
static void test_warc_cut(void **state)
{
	(void)state;
	char dir[] = "/tmp/zc-warc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	zc_warc *w;
	assert_int_equal(zc_warc_open(dir, 0, &w), 0);
	zc_warc_ref ref;
	const char *req = "GET / HTTP/1.1\r\nHost: www.gov.cn\r\n\r\n";
	const char *head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n";
	const char *body = "<html><body><h1>关于推进医疗联合体建设和发展的指导意见</h1></body></html>";
	for (int i = 0; i < 3; i++)
		assert_int_equal(zc_warc_exchange(w, "https://www.gov.cn/", req, strlen(req), head, strlen(head), body,
						  strlen(body), NULL, 200, NULL, &ref), 0);
	char path[256], mark[300];
	snprintf(path, sizeof path, "%s/warc/%s", dir, ref.file);
	snprintf(mark, sizeof mark, "%s.open", path);
	assert_int_equal(access(mark, F_OK), 0);	/* being written */
	zc_warc_close(&w);
	assert_int_not_equal(access(mark, F_OK), 0);	/* closed: no marker */
	long long whole = file_size(path);
	int n = 0;
	assert_int_equal(zc_warc_read(path, count_record, &n, NULL), 0);
	assert_int_equal(n, 7);	/* warcinfo, then a request and a response per exchange */
	/* the reference the crawl keeps leads to its response record, and to nothing else */
	char id[80] = "";
	assert_int_equal(zc_warc_read_at(path, ref.offset, record_id, id), 0);
	assert_string_equal(id, ref.record_id);

	/* the kill: the first 100 bytes of the last record's member once more, and the marker */
	FILE *f = fopen(path, "rb");
	char part[100];
	assert_int_equal(fseeko(f, ref.offset, SEEK_SET), 0);
	assert_int_equal(fread(part, 1, sizeof part, f), sizeof part);
	fclose(f);
	f = fopen(path, "ab");
	fwrite(part, 1, sizeof part, f);
	fclose(f);
	long long cut = -1;
	n = 0;
	assert_int_equal(zc_warc_read(path, count_record, &n, &cut), ZC_ECUT);	/* no marker: a closed file cut */
	assert_int_equal(n, 7);
	fclose(fopen(mark, "w"));
	n = 0;
	assert_int_equal(zc_warc_read(path, count_record, &n, NULL), ZC_ECUT);
	n = 0;
	assert_int_equal(zc_warc_read(path, count_record, &n, &cut), 0);
	assert_int_equal(n, 7);
	assert_int_equal(cut, 100);

	/* the next crawl */
	long long noted = 0;
	assert_int_equal(zc_warc_repair(dir, on_cut, &noted), 0);
	assert_int_equal(noted, 100);
	assert_int_equal(file_size(path), whole);
	assert_int_not_equal(access(mark, F_OK), 0);
	n = 0;
	assert_int_equal(zc_warc_read(path, count_record, &n, NULL), 0);
	assert_int_equal(n, 7);

	/* a marker whose file was never made (killed in between) goes quietly */
	char gone[300];
	snprintf(gone, sizeof gone, "%s/warc/zhengce-never-made.warc.gz.open", dir);
	fclose(fopen(gone, "w"));
	noted = 0;
	assert_int_equal(zc_warc_repair(dir, on_cut, &noted), 0);
	assert_int_equal(noted, 0);
	assert_int_not_equal(access(gone, F_OK), 0);

	unlink(path);
	char wdir[256];
	snprintf(wdir, sizeof wdir, "%s/warc", dir);
	rmdir(wdir);
	rmdir(dir);
}

/*
 * A reader beside a writer: a child process writes a WARC file of 16 exchanges of 1.5 MB each
 * (records over 1 MB are compressed as a stream and written as they go, so a reader mostly
 * finds the last member unfinished) while this one reads it again and again as zhengce check
 * does.  Every read is whole or ends in a cut
 * tail (the marker is there), never damage; the last one, after the close, is whole.
 */
static void test_warc_read_beside_writer(void **state)
{
	(void)state;
	char dir[] = "/tmp/zc-warc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	enum { EXCHANGES = 16, BODY = 3 * 1024 * 1024 / 2 };
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		zc_warc *w;
		if (zc_warc_open(dir, (size_t)1 << 40, &w) != ZC_OK)
			_exit(2);
		char *body = malloc(BODY);
		unsigned seed = 7;
		for (int i = 0; i < BODY; i++) {	/* bytes that do not compress: members of full size */
			seed = seed * 1103515245u + 12345u;
			body[i] = (char)(seed >> 16);
		}
		const char *req = "GET / HTTP/1.1\r\nHost: www.gov.cn\r\n\r\n";
		const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n";
		zc_warc_ref ref;
		for (int i = 0; i < EXCHANGES; i++)
			if (zc_warc_exchange(w, "https://www.gov.cn/", req, strlen(req), head, strlen(head), body, BODY, NULL, 200,
					     NULL, &ref) != ZC_OK)
				_exit(3);
		zc_warc_close(&w);
		free(body);
		_exit(0);
	}
	char wdir[128];
	snprintf(wdir, sizeof wdir, "%s/warc", dir);
	long reads = 0, cut_seen = 0;
	int status = 0, done = 0;
	char path[512] = "";
	while (!done) {
		done = waitpid(pid, &status, WNOHANG) == pid;
		if (!path[0]) {
			DIR *d = opendir(wdir);
			struct dirent *e;
			while (d && (e = readdir(d)))
				if (zc_str_ends(e->d_name, ".warc.gz"))
					snprintf(path, sizeof path, "%s/%s", wdir, e->d_name);
			if (d)
				closedir(d);
			if (!path[0])
				continue;
		}
		int n = 0;
		long long cut = -1;
		int rc = zc_warc_read(path, count_record, &n, &cut);
		if (rc != ZC_OK)
			fail_msg("read %ld beside the writer: %d (%s), %d records", reads, rc, zc_strerror(rc), n);
		reads++;
		cut_seen += cut > 0;
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	int n = 0;
	long long cut = -1;
	assert_int_equal(zc_warc_read(path, count_record, &n, &cut), 0);
	assert_int_equal(n, 1 + 2 * EXCHANGES);
	assert_int_equal(cut, 0);
	print_message("%ld reads beside the writer, %ld of them ending in a cut tail\n", reads, cut_seen);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* the records' target URIs and blocks, as read */
static int note_record(json_t *h, const char *block, size_t len, void *arg)
{
	char *got = arg;
	size_t n = strlen(got);
	snprintf(got + n, 512 - n, "%s=%.*s;", json_string_value(json_object_get(h, "WARC-Target-URI")), (int)len, block);
	return 0;
}

/* one gzip member of the given text appended to path */
static void add_member(const char *path, const char *text, size_t len)
{
	gzFile g = gzopen(path, "ab");
	assert_non_null(g);
	assert_int_equal(gzwrite(g, text, (unsigned)len), (int)len);
	assert_int_equal(gzclose(g), Z_OK);
}

/* a callback that stops a walk with its own value, 1 */
static int stop_with_one(json_t *headers, const char *block, size_t len, void *arg)
{
	(void)headers;
	(void)block;
	(void)len;
	++*(int *)arg;
	return 1;
}

/*
 * Other tools' WARC files: several records in one gzip member, one record over two; the reader
 * goes member by member, so a record is whole only when its last member is; damage after some
 * records gives those records, then the error.
 */
static void test_warc_members(void **state)
{
	(void)state;
	char path[] = "/tmp/zc-warc-members-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	const char *a = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://a/1\r\nContent-Length: 6\r\n\r\n医联\r\n\r\n";
	const char *b = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://a/2\r\nContent-Length: 9\r\n\r\n医共体\r\n\r\n";
	const char *c = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://a/3\r\nContent-Length: 3\r\n\r\n盟\r\n\r\n";
	char both[512];
	snprintf(both, sizeof both, "%s%.40s", a, b);	/* a, and the start of b */
	add_member(path, both, strlen(both));
	long long second = file_size(path);
	add_member(path, b + 40, strlen(b) - 40);	/* the rest of b (its headers end in here) */
	long long third = file_size(path);
	add_member(path, c, 60);			/* c's headers and */
	add_member(path, c + 60, strlen(c) - 60);	/* its block in the next member */
	char got[512] = "";
	assert_int_equal(zc_warc_read(path, note_record, got, NULL), 0);
	assert_string_equal(got, "https://a/1=医联;https://a/2=医共体;https://a/3=盟;");
	/* one record from where its member starts: the first of a member holding more, one whose
	   block is in the next member; none from inside a member, from a member that continues a
	   record, or from the end */
	got[0] = '\0';
	assert_int_equal(zc_warc_read_at(path, 0, note_record, got), 0);
	assert_string_equal(got, "https://a/1=医联;");
	got[0] = '\0';
	assert_int_equal(zc_warc_read_at(path, third, note_record, got), 0);
	assert_string_equal(got, "https://a/3=盟;");
	got[0] = '\0';
	assert_int_equal(zc_warc_read_at(path, 5, note_record, got), ZC_EPARSE);
	assert_int_equal(zc_warc_read_at(path, second, note_record, got), ZC_EPARSE);
	assert_int_equal(zc_warc_read_at(path, file_size(path), note_record, got), ZC_EPARSE);
	assert_string_equal(got, "");
	assert_int_equal(zc_warc_read_at("/tmp/zc-no-such.warc.gz", 0, note_record, got), ZC_ENOTFOUND);
	/* a callback's own result comes back, 1 too (the reader's stop after one record is not it) */
	int calls = 0;
	assert_int_equal(zc_warc_read_at(path, 0, stop_with_one, &calls), 1);
	assert_int_equal(zc_warc_read(path, stop_with_one, &calls, NULL), 1);
	assert_int_equal(calls, 2);
	/* bytes that are no gzip after them: the three records, then the error */
	FILE *f = fopen(path, "ab");
	fputs("not a gzip member", f);
	fclose(f);
	got[0] = '\0';
	assert_int_equal(zc_warc_read(path, note_record, got, NULL), ZC_EPARSE);
	assert_string_equal(got, "https://a/1=医联;https://a/2=医共体;https://a/3=盟;");
	unlink(path);
	/* a whole member whose text is not a whole record: a cut when the file ends there, damage
	   when another record follows (the block takes the start of it, the rest is no record) */
	add_member(path, a, strlen(a) - 5);
	got[0] = '\0';
	assert_int_equal(zc_warc_read(path, note_record, got, NULL), ZC_ECUT);
	assert_string_equal(got, "");
	add_member(path, c, strlen(c));
	assert_int_equal(zc_warc_read(path, note_record, got, NULL), ZC_EPARSE);
	unlink(path);
}


/* what a scan saw: each record's type, target, block and place, as one string */
typedef struct scanned {
	char text[2048];
	zc_warc_pos at[8];
	int n;
} scanned;

static int note_scan(const zc_warc_record *r, void *arg)
{
	scanned *g = arg;
	size_t n = strlen(g->text);
	snprintf(g->text + n, sizeof g->text - n, "%s %s %s=%.*s;", json_string_value(json_object_get(r->headers, "version")),
		 json_string_value(json_object_get(r->headers, "WARC-Type")),
		 json_string_value(json_object_get(r->headers, "WARC-Target-URI")), (int)r->len, r->block);
	if (g->n < 8)
		g->at[g->n] = r->at;
	g->n++;
	return 0;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* any writer's WARC: uncompressed, a gzip member per record, the whole file one gzip stream,
   read alike; each record's place leads back to it alone; faults named with their offset */
static void test_warc_scan(void **state)
{
	(void)state;
	char path[] = "/tmp/zc-warc-scan-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	const char *rec[] = {
		"WARC/1.0\r\nwarc-type: warcinfo\r\nCONTENT-LENGTH: 3\r\n\r\nabc\r\n\r\n",
		"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://www.nhc.gov.cn/a.html\r\nContent-Length: 6\r\n\r\n医联\r\n\r\n",
		"WARC/1.1\nWARC-Type: revisit\nwarc-target-uri: https://www.gov.cn/b.html\nContent-Length: 0\n\n\r\n\r\n",
	};
	const char *want = "WARC/1.0 warcinfo (null)=abc;WARC/1.0 response https://www.nhc.gov.cn/a.html=医联;"
			   "WARC/1.1 revisit https://www.gov.cn/b.html=;";
	char all[1024];
	snprintf(all, sizeof all, "%s%s%s", rec[0], rec[1], rec[2]);
	for (int mode = 0; mode < 3; mode++) {
		unlink(path);
		if (mode == 0) {
			write_file(path, all, strlen(all));
		} else if (mode == 1) {
			for (int i = 0; i < 3; i++)
				add_member(path, rec[i], strlen(rec[i]));
		} else {
			add_member(path, all, strlen(all));
		}
		scanned g = {"", {{0, 0}}, 0};
		char *err = NULL;
		assert_int_equal(zc_warc_scan(path, NULL, 0, note_scan, &g, &err), 0);
		assert_null(err);
		assert_string_equal(g.text, want);
		assert_int_equal(g.n, 3);
		/* places: byte offsets, member offsets, or inflated offsets in the one member */
		assert_int_equal(g.at[1].offset, mode == 0 ? (long long)strlen(rec[0]) : mode == 1 ? g.at[1].offset : 0);
		assert_int_equal(g.at[1].skip, mode == 2 ? (long long)strlen(rec[0]) : 0);
		for (int i = 0; i < 3; i++) {
			scanned one = {"", {{0, 0}}, 0};
			assert_int_equal(zc_warc_scan(path, &g.at[i], 1, note_scan, &one, NULL), 0);
			assert_int_equal(one.n, 1);
			assert_non_null(strstr(want, one.text));
			assert_true(!strncmp(one.text, rec[i], 8));
		}
	}
	/* faults: each named, with the offset of its record */
	struct {
		const char *bytes;
		const char *says;
	} bad[] = {
		{"WARC/0.18\r\nContent-Length: 0\r\n\r\n", "WARC version \"WARC/0.18\" is not 1.0 or 1.1"},
		{"HTTP/1.1 200 OK\r\n\r\n", "not a WARC record (it begins \"HTTP/1.1 200 OK\")"},
		{"WARC/1.1\r\nWARC-Type: response\r\n\r\n", "a record without Content-Length"},
		{"WARC/1.1\r\nContent-Length: 12x\r\n\r\n", "Content-Length \"12x\" is not a number"},
		{"WARC/1.1\r\nno colon here\r\nContent-Length: 1\r\n\r\nx", "a header line without a name and a colon"},
		{"HTTP/1.1 200", "not a WARC record (the file ends in it)"},
		{"WARC/1.1\r\nContent-Length: 99\r\n\r\nabc\r\n\r\nWARC/1.1\r\nContent-Length: 1\r\n\r\nx\r\n\r\n",
		 "the block (99 bytes by its Content-Length) holds the records after it"},
		/* cut tails: the file ends in a record */
		{"WARC/1.1\r\nContent-Length: 10\r\n\r\nabc", "the file ends inside a record's block (3 of 10 bytes): a cut tail"},
		{"WARC/1.1\r\nContent-Length: 1", "the file ends inside a record header (27 bytes): a cut tail"},
		{"WAR", "the file ends inside a record header (3 bytes): a cut tail"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[256];
		snprintf(text, sizeof text, "%s%s", rec[0], bad[i].bytes);
		write_file(path, text, strlen(text));
		scanned g = {"", {{0, 0}}, 0};
		char *err = NULL;
		assert_int_equal(zc_warc_scan(path, NULL, 0, note_scan, &g, &err), strstr(bad[i].says, "cut tail") ? ZC_ECUT : ZC_EPARSE);
		assert_int_equal(g.n, 1);	/* the record before the fault */
		assert_non_null(err);
		char off[48];
		snprintf(off, sizeof off, "at offset %zu: ", strlen(rec[0]));
		if (!strstr(err, bad[i].says) || !strstr(err, off) || !strstr(err, path))
			fail_msg("%s does not say %s", err, bad[i].says);
		free(err);
	}
	/* gzip cut short: the records before, then the cut at the member's offset (a member whose
	   record is whole, its checksum cut, gives the record); damaged: the fault there */
	unlink(path);
	add_member(path, rec[0], strlen(rec[0]));
	long long second = file_size(path);
	add_member(path, rec[1], strlen(rec[1]));
	long long whole = file_size(path);
	char says[128];
	for (int k = 0; k < 2; k++) {
		assert_int_equal(truncate(path, k ? second + 15 : whole - 3), 0);
		scanned g = {"", {{0, 0}}, 0};
		char *err = NULL;
		assert_int_equal(zc_warc_scan(path, NULL, 0, note_scan, &g, &err), ZC_ECUT);
		assert_int_equal(g.n, k ? 1 : 2);
		snprintf(says, sizeof says, "at offset %lld: the file ends inside a", second);
		if (!strstr(err, says) || !strstr(err, k ? ": a cut tail" : "inside a gzip member: a cut tail"))
			fail_msg("%s does not say %s", err, says);
		free(err);
	}
	unlink(path);
	add_member(path, rec[0], strlen(rec[0]));
	add_member(path, rec[1], strlen(rec[1]));
	scanned g = {"", {{0, 0}}, 0};
	char *err = NULL;
	FILE *f = fopen(path, "r+b");
	assert_int_equal(fseeko(f, second + 12, SEEK_SET), 0);
	fputs("\xff\xff\xff\xff\xff\xff", f);
	fclose(f);
	g.n = 0;
	assert_int_equal(zc_warc_scan(path, NULL, 0, note_scan, &g, &err), ZC_EPARSE);
	assert_int_equal(g.n, 1);
	snprintf(says, sizeof says, "at offset %lld: damaged gzip data", second);
	assert_non_null(strstr(err, says));
	free(err);
	assert_int_equal(zc_warc_scan("/tmp/zc-no-such.warc", NULL, 0, note_scan, &g, &err), ZC_ENOTFOUND);
	assert_non_null(strstr(err, "No such file"));
	free(err);
	unlink(path);
}

/* ---- a WARC file cut at any byte, and one damaged in its middle ---------------------------- */

enum { CUT_RECORDS = 5 };

typedef struct cut_file {
	char *text;			/* the records, uncompressed */
	size_t len;
	size_t end[CUT_RECORDS];	/* where each record's block ends in text */
	unsigned char *bytes;		/* the file in its form */
	size_t size;
	size_t member[CUT_RECORDS + 1];	/* per-record gzip: where each member starts, and the end */
} cut_file;

static size_t gzip_into(unsigned char *out, size_t cap, const char *text, size_t len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = cap - z.avail_out;
	deflateEnd(&z);
	return n;
}

/* five records of blocks from 0 bytes to 24 KB of text that compresses as pages do, in form 0
   (uncompressed), 1 (a gzip member per record) or 2 (one gzip stream) */
static void cut_file_make(cut_file *c, int form)
{
	static const size_t sizes[CUT_RECORDS] = {40, 0, 3000, 24000, 700};
	memset(c, 0, sizeof *c);
	c->text = malloc(64 * 1024);
	unsigned seed = 12345;
	size_t starts[CUT_RECORDS];
	for (int i = 0; i < CUT_RECORDS; i++) {
		starts[i] = c->len;
		c->len += (size_t)snprintf(c->text + c->len, 512, "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://a/%d\r\n"
					   "Content-Length: %zu\r\n\r\n", i, sizes[i]);
		static const char *const words[] = {"医疗", "联合体", "建设", "发展", "指导", "意见", "，", "。", "\n", "卫生"};
		for (size_t k = 0; k < sizes[i];) {	/* words of a small vocabulary, as a page's text */
			seed = seed * 1103515245u + 12345u;
			const char *w = words[(seed >> 16) % 10];
			size_t wl = strlen(w) < sizes[i] - k ? strlen(w) : sizes[i] - k;
			memcpy(c->text + c->len, w, wl);
			c->len += wl;
			k += wl;
		}
		c->end[i] = c->len;
		memcpy(c->text + c->len, "\r\n\r\n", 4);
		c->len += 4;
	}
	c->bytes = malloc(128 * 1024);
	if (form == 0) {
		memcpy(c->bytes, c->text, c->len);
		c->size = c->len;
	} else if (form == 1) {
		for (int i = 0; i < CUT_RECORDS; i++) {
			c->member[i] = c->size;
			size_t n = (i + 1 < CUT_RECORDS ? starts[i + 1] : c->len) - starts[i];
			c->size += gzip_into(c->bytes + c->size, 128 * 1024 - c->size, c->text + starts[i], n);
		}
		c->member[CUT_RECORDS] = c->size;
	} else {
		c->size = gzip_into(c->bytes, 128 * 1024, c->text, c->len);
	}
}

/* how many bytes of text the first cut bytes of a gzip file give, member after member (zlib's
   own account of a stream cut short) */
static size_t inflated_prefix(const unsigned char *b, size_t cut)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	unsigned char out[4096];
	size_t total = 0;
	z.next_in = (unsigned char *)b;
	z.avail_in = (uInt)cut;
	while (z.avail_in > 0) {
		z.next_out = out;
		z.avail_out = sizeof out;
		int zr = inflate(&z, Z_NO_FLUSH);
		total += sizeof out - z.avail_out;
		if (zr == Z_STREAM_END)
			inflateReset(&z);
		else if (zr != Z_OK)
			break;
	}
	for (int more = 1; more;) {	/* what is pending inflates too */
		z.next_out = out;
		z.avail_out = sizeof out;
		inflate(&z, Z_SYNC_FLUSH);
		total += sizeof out - z.avail_out;
		more = z.avail_out == 0;
	}
	inflateEnd(&z);
	return total;
}

static int count_scan(const zc_warc_record *r, void *arg)
{
	(void)r;
	++*(int *)arg;
	return 0;
}

/*
 * The class of the cut tail: each of the three forms cut at every byte of its last record (or
 * member) and at every 11th byte before (every 3rd compressed): the records whole before the cut are read, and the walk
 * ends with ZC_ECUT unless the cut falls between records (or members); the reader's account is
 * checked against the records' known ends and zlib's own inflation of the prefix.  Then damage
 * in the middle (gzip data changed, a Content-Length made larger) is ZC_EPARSE, not a cut.
 */
static void test_warc_cut_anywhere(void **state)
{
	(void)state;
	char path[] = "/tmp/zc-warc-cutany-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (int form = 0; form < 3; form++) {
		cut_file c;
		cut_file_make(&c, form);
		size_t last = form == 1 ? c.member[CUT_RECORDS - 1] : form == 0 ? c.end[CUT_RECORDS - 2] + 4 : 0;
		long cuts = 0;
		for (size_t cut = 0; cut <= c.size; cut += cut >= last ? 1 : form ? 3 : 11) {
			write_file(path, (const char *)c.bytes, cut);
			size_t got_text = form == 0 ? cut : inflated_prefix(c.bytes, cut);
			int want = 0;
			while (want < CUT_RECORDS && c.end[want] <= got_text)
				want++;
			/* between records: the text up to the cut is whole records and their blank lines,
			   and no member is open */
			int between = 1;
			for (size_t k = want ? c.end[want - 1] : 0; k < got_text; k++)
				between &= c.text[k] == '\r' || c.text[k] == '\n';
			if (form == 1) {
				int boundary = 0;
				for (int i = 0; i <= CUT_RECORDS; i++)
					boundary |= c.member[i] == cut;
				between = boundary || cut == 0;
			} else if (form == 2) {
				between = cut == 0 || cut == c.size;
			}
			int n = 0;
			char *err = NULL;
			int rc = zc_warc_scan(path, NULL, 0, count_scan, &n, &err);
			if (rc != (between ? ZC_OK : ZC_ECUT) || n != want)
				fail_msg("form %d cut at %zu of %zu: %d records (want %d), %d (want %d): %s", form, cut, c.size, n, want, rc,
					 between ? ZC_OK : ZC_ECUT, err ? err : "");
			if (rc == ZC_ECUT && !strstr(err, "a cut tail"))
				fail_msg("form %d cut at %zu: %s", form, cut, err);
			free(err);
			cuts++;
		}
		assert_true(cuts > 1000);
		/* damage before the last record, with records after it: refused as such.  Gzip: a
		   byte of a member's data (past its header) changed; uncompressed: a digit of a
		   Content-Length made 9 */
		long damaged = 0, unread = 0;
		for (size_t at = 10; at < (form == 2 ? c.size - 8 : last); at += form == 0 ? 1 : 2) {
			if (form == 0 && !(c.text[at] >= '0' && c.text[at] <= '8' && at > 16 &&
					   !memcmp(c.text + at - 16, "Content-Length: ", 16)))
				continue;
			int head = 0;
			for (int i = 0; form == 1 && i < CUT_RECORDS; i++)
				head |= at >= c.member[i] && at < c.member[i] + 10;
			if (head)
				continue;
			damaged++;
			unsigned char was = c.bytes[at];
			c.bytes[at] = form == 0 ? '9' : (unsigned char)(was ^ 0x5a);
			write_file(path, (const char *)c.bytes, c.size);
			c.bytes[at] = was;
			int n = 0;
			char *err = NULL;
			int rc = zc_warc_scan(path, NULL, 0, count_scan, &n, &err);
			/* a bit that deflate does not read (the padding after a member's last block) changes
			   nothing: the file reads whole, its checksums right */
			unread += rc == ZC_OK && n == CUT_RECORDS;
			if (rc != ZC_EPARSE && !(rc == ZC_OK && n == CUT_RECORDS))
				fail_msg("form %d, byte %zu of %zu changed: %d (%s), not damage", form, at, c.size, rc, err ? err : "");
			free(err);
		}
		assert_true(form == 0 ? damaged == 4 : damaged > 1000 && unread < 8);
		free(c.text);
		free(c.bytes);
	}
	unlink(path);
}


/* the HTTP answer in a response record's block, as other writers archive it: chunked, gzip or
   deflate as it came; what cannot be decoded is said */
static void test_warc_http_body(void **state)
{
	(void)state;
	const char *text = "<html><body><h1>关于推进医疗联合体建设和发展的指导意见</h1></body></html>";
	size_t tl = strlen(text);
	/* the same body four ways */
	char chunked[512];
	snprintf(chunked, sizeof chunked, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "a\r\n%.10s\r\n%zx;ext=1\r\n%s\r\n0\r\n\r\n", text, tl - 10, text + 10);
	unsigned char gz[512], df[512];
	z_stream z;
	for (int k = 0; k < 2; k++) {
		memset(&z, 0, sizeof z);
		assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, k ? 15 : 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
		z.next_in = (unsigned char *)text;
		z.avail_in = (uInt)tl;
		z.next_out = k ? df : gz;
		z.avail_out = 512;
		assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
		size_t n = 512 - z.avail_out;
		deflateEnd(&z);
		char head[128];
		int hl = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %zu\r\n\r\n",
				  k ? "deflate" : "gzip", n);
		char *block = malloc((size_t)hl + n);
		memcpy(block, head, (size_t)hl);
		memcpy(block + hl, k ? df : gz, n);
		long status = 0;
		char *ctype = NULL;
		const char *why = NULL;
		zc_buf body;
		zc_buf_init(&body, 1 << 20);
		assert_int_equal(zc_warc_http_body(block, (size_t)hl + n, &status, &ctype, &body, &why), 0);
		assert_int_equal(status, 200);
		assert_null(ctype);
		assert_int_equal(body.len, tl);
		assert_memory_equal(body.data, text, tl);
		zc_buf_free(&body);
		free(block);
	}
	long status = 0;
	char *ctype = NULL;
	const char *why = NULL;
	zc_buf body;
	zc_buf_init(&body, 1 << 20);
	assert_int_equal(zc_warc_http_body(chunked, strlen(chunked), &status, &ctype, &body, &why), 0);
	assert_string_equal(ctype, "text/html; charset=utf-8");
	assert_string_equal(body.data, text);
	free(ctype);
	zc_buf_reset(&body);
	/* as it is, a 404 too */
	const char *plain = "HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\ngone";
	assert_int_equal(zc_warc_http_body(plain, strlen(plain), &status, &ctype, &body, &why), 0);
	assert_int_equal(status, 404);
	assert_string_equal(body.data, "gone");
	zc_buf_reset(&body);
	/* what does not decode, said */
	const char *bad[][2] = {
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "a chunked body that does not decode"},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nabc", "a chunked body that does not decode"},
		{"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\nnot gzip", "a compressed body that does not inflate"},
		{"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n\x0b\x02\x80", "a Content-Encoding zhengce does not decode (not gzip or deflate)"},
		{"WARC/1.1\r\n\r\n", "not an HTTP response"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		free(ctype);
		ctype = NULL;
		zc_buf_reset(&body);
		assert_int_not_equal(zc_warc_http_body(bad[i][0], strlen(bad[i][0]), &status, &ctype, &body, &why), 0);
		assert_string_equal(why, bad[i][1]);
	}
	free(ctype);
	zc_buf_free(&body);
}

/* ---- merge: the sites' unfinished-crawl reports carried over ---- */

static int src_problems(zc_txn *t, void *arg)
{
	(void)arg;
	int rc = zc_tx_site_problem_put(t, "a.gov.cn", "2026-01-02T00:00:00Z", "a.gov.cn: 412 JavaScript challenge");
	if (rc == ZC_OK)
		rc = zc_tx_site_problem_put(t, "b.gov.cn", "2026-01-03T00:00:00Z", "https://b.gov.cn/s: timeout after 4 tries");
	if (rc == ZC_OK)
		rc = zc_tx_site_imported_put(t, "b.gov.cn", "2026-01-04T00:00:00Z");
	return rc;
}

static int dst_problems(zc_txn *t, void *arg)
{
	(void)arg;
	return zc_tx_site_problem_put(t, "a.gov.cn", "2026-02-01T00:00:00Z", "a.gov.cn: a later problem");
}

static int problem_line(const char *host, const char *when, const char *problem, const char *imported, void *arg)
{
	char *s = arg;
	size_t n = strlen(s);
	snprintf(s + n, 1024 - n, "%s|%s|%s|%s\n", host, when, problem, imported);
	return 0;
}

static int read_problems(zc_txn *t, void *arg)
{
	*(char *)arg = '\0';
	return zc_tx_site_problems_each(t, problem_line, arg);
}

/* a source's report reaches the corpus unless the corpus has a later one of that site; its
   import mark comes with it */
static void test_merge_problems(void **state)
{
	(void)state;
	char dir[] = "/tmp/zc-merge-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char src[64], dst[64], lines[1024];
	snprintf(src, sizeof src, "%s/src", dir);
	snprintf(dst, sizeof dst, "%s/dst", dir);
	zc_index *s, *d;
	assert_int_equal(zc_index_open(src, 0, &s), ZC_OK);
	assert_int_equal(zc_index_write(s, src_problems, NULL), ZC_OK);
	zc_index_close(&s);
	assert_int_equal(zc_index_open(dst, 0, &d), ZC_OK);
	assert_int_equal(zc_index_write(d, dst_problems, NULL), ZC_OK);
	const char *srcs[] = {src};
	zc_merge_summary sum;
	char *err = NULL;
	assert_int_equal(zc_merge_run(d, dst, srcs, 1, NULL, &sum, &err), ZC_OK);
	assert_null(err);
	assert_int_equal(sum.problems, 1);
	assert_int_equal(zc_index_read(d, read_problems, lines), ZC_OK);
	assert_string_equal(lines, "a.gov.cn|2026-02-01T00:00:00Z|a.gov.cn: a later problem|\n"
				   "b.gov.cn|2026-01-03T00:00:00Z|https://b.gov.cn/s: timeout after 4 tries|2026-01-04T00:00:00Z\n");
	zc_index_close(&d);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_robots), cmocka_unit_test(test_templates), cmocka_unit_test(test_answers), cmocka_unit_test(test_result_days), cmocka_unit_test(test_warc_cut), cmocka_unit_test(test_warc_long_url), cmocka_unit_test(test_seeds_refused), cmocka_unit_test(test_answer_many_links), cmocka_unit_test(test_url_target),
		cmocka_unit_test(test_warc_members), cmocka_unit_test(test_warc_scan), cmocka_unit_test(test_warc_read_beside_writer), cmocka_unit_test(test_warc_cut_anywhere), cmocka_unit_test(test_warc_http_body),
		cmocka_unit_test(test_merge_problems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
