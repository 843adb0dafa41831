/* The crawl's records in the index: fetch states (index/fetch.c) and frontier requests
   (index/frontier.c), each form written and read back, records as earlier zhengce wrote them
   (hand-made bytes), and fields this zhengce does not know kept on rewrite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "index.h"
#include "../../index/internal.h"	/* raw tables: records as older zhengce wrote them */
#include "zc.h"
#include "scratch.h"

static zc_index *idx;

static int setup(void **state)
{
	return scratch_setup(state) ? -1 : zc_index_open(dir, 0, &idx);
}

static int teardown(void **state)
{
	zc_index_close(&idx);
	return scratch_teardown(state);
}

/* ---- fetch states ---- */

typedef struct fetch_io {
	const char *url;
	const zc_fetch *in;	/* written, when not NULL */
	const void *raw;	/* else these bytes stored as they are */
	size_t raw_len;
	zc_fetch out;		/* read back */
	int get_rc;
	char *stored;		/* the stored record as compact JSON */
} fetch_io;

static int fetch_write(zc_txn *t, void *arg)
{
	fetch_io *io = arg;
	if (io->in)
		return zc_tx_fetch_put(t, io->url, io->in);
	return zc_tx_put(t, ZC_T_FETCH, io->url, strlen(io->url), io->raw, io->raw_len);
}

static int fetch_read(zc_txn *t, void *arg)
{
	fetch_io *io = arg;
	io->get_rc = zc_tx_fetch_get(t, io->url, &io->out);
	json_t *j = NULL;
	if (zc_tx_get_json(t, ZC_T_FETCH, io->url, &j) == ZC_OK) {
		io->stored = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	return ZC_OK;
}

/* f written under url and read back into io (the caller clears io->out, frees io->stored) */
static void fetch_round(const char *url, const zc_fetch *f, fetch_io *io)
{
	*io = (fetch_io){.url = url, .in = f};
	assert_int_equal(zc_index_write(idx, fetch_write, io), ZC_OK);
	assert_int_equal(zc_index_read(idx, fetch_read, io), ZC_OK);
	assert_int_equal(io->get_rc, ZC_OK);
	assert_non_null(io->stored);
}

static void fetch_done(fetch_io *io)
{
	zc_fetch_clear(&io->out);
	free(io->stored);
}

/* each form as the crawl writes it: the fields in the order of docs/SCHEMA.md (the bytes an
   earlier zhengce wrote), and the same state read back */
static void test_fetch_forms(void **state)
{
	(void)state;
	fetch_io io;
	zc_fetch f;

	zc_fetch_init(&f, ZC_FETCH_DOCUMENT);
	f.status = 200;
	f.etag = "\"v1\"";
	f.last_modified = "";
	f.digest = "sha1:AAAA";
	f.fetched_at = "2026-12-01T08:00:00Z";
	f.tries = 2;
	fetch_round("https://a.gov.cn/doc.html", &f, &io);
	assert_string_equal(io.stored, "{\"status\":200,\"etag\":\"\\\"v1\\\"\",\"last_modified\":\"\",\"digest\":\"sha1:AAAA\","
				       "\"fetched_at\":\"2026-12-01T08:00:00Z\",\"tries\":2}");
	assert_int_equal(io.out.kind, ZC_FETCH_DOCUMENT);
	assert_int_equal(io.out.status, 200);
	assert_string_equal(io.out.etag, "\"v1\"");
	assert_string_equal(io.out.last_modified, "");
	assert_string_equal(io.out.digest, "sha1:AAAA");
	assert_string_equal(io.out.fetched_at, "2026-12-01T08:00:00Z");
	assert_string_equal(io.out.checked_at, "");
	assert_int_equal(io.out.tries, 2);
	assert_true(zc_fetch_final(&io.out));
	/* a 304 later: the state it had, status and checked_at set (checked_at after the rest) */
	zc_fetch g = io.out;
	g.status = 304;
	g.checked_at = "2026-12-02T08:00:00Z";
	fetch_io io2;
	fetch_round("https://a.gov.cn/doc.html", &g, &io2);
	assert_string_equal(io2.stored, "{\"status\":304,\"etag\":\"\\\"v1\\\"\",\"last_modified\":\"\",\"digest\":\"sha1:AAAA\","
					"\"fetched_at\":\"2026-12-01T08:00:00Z\",\"tries\":2,\"checked_at\":\"2026-12-02T08:00:00Z\"}");
	assert_string_equal(io2.out.checked_at, "2026-12-02T08:00:00Z");
	assert_int_equal(io2.out.kind, ZC_FETCH_DOCUMENT);
	fetch_done(&io2);
	fetch_done(&io);

	zc_fetch_init(&f, ZC_FETCH_UNPARSEABLE);
	f.status = 200;
	f.unparseable = "no document in it";
	f.fetched_at = "2026-12-01T08:00:01Z";
	f.tries = 1;
	fetch_round("https://a.gov.cn/empty.html", &f, &io);
	assert_string_equal(io.stored, "{\"status\":200,\"unparseable\":\"no document in it\","
				       "\"fetched_at\":\"2026-12-01T08:00:01Z\",\"tries\":1}");
	assert_int_equal(io.out.kind, ZC_FETCH_UNPARSEABLE);
	assert_string_equal(io.out.unparseable, "no document in it");
	assert_string_equal(io.out.digest, "");
	assert_false(zc_fetch_final(&io.out));
	fetch_done(&io);

	zc_fetch_init(&f, ZC_FETCH_STATUS);
	f.status = 404;
	fetch_round("https://a.gov.cn/gone.html", &f, &io);
	assert_string_equal(io.stored, "{\"status\":404}");
	assert_int_equal(io.out.kind, ZC_FETCH_STATUS);
	assert_int_equal(io.out.status, 404);
	assert_true(zc_fetch_final(&io.out));
	fetch_done(&io);
	/* a 304 with no state before it */
	f.status = 304;
	f.checked_at = "2026-12-02T08:00:00Z";
	fetch_round("https://a.gov.cn/same.html", &f, &io);
	assert_string_equal(io.stored, "{\"status\":304,\"checked_at\":\"2026-12-02T08:00:00Z\"}");
	assert_int_equal(io.out.kind, ZC_FETCH_STATUS);
	assert_false(zc_fetch_final(&io.out));
	fetch_done(&io);

	zc_fetch_init(&f, ZC_FETCH_ANSWER);
	f.status = 200;
	f.answer = "search";
	f.links = 0;
	f.unparseable = "not an answer of its endpoint's format";
	f.digest = "sha1:BBBB";
	f.fetched_at = "2026-11-30T01:02:03Z";
	f.warc = (zc_warc_place){"/archives/a.warc.gz", 81920, 512, "<urn:uuid:1>", ""};
	fetch_round("https://a.gov.cn/search?q=1", &f, &io);
	assert_string_equal(io.stored, "{\"status\":200,\"answer\":\"search\",\"links\":0,"
				       "\"unparseable\":\"not an answer of its endpoint's format\",\"digest\":\"sha1:BBBB\","
				       "\"fetched_at\":\"2026-11-30T01:02:03Z\",\"warc\":{\"file\":\"/archives/a.warc.gz\","
				       "\"offset\":81920,\"skip\":512,\"record_id\":\"<urn:uuid:1>\"}}");
	assert_int_equal(io.out.kind, ZC_FETCH_ANSWER);
	assert_string_equal(io.out.answer, "search");
	assert_int_equal(io.out.links, 0);
	assert_string_equal(io.out.warc.file, "/archives/a.warc.gz");
	assert_int_equal(io.out.warc.offset, 81920);
	assert_int_equal(io.out.warc.skip, 512);
	assert_string_equal(io.out.warc.record_id, "<urn:uuid:1>");
	assert_string_equal(io.out.warc.payload_record_id, "");
	fetch_done(&io);
	f.unparseable = "";
	f.answer = "list";
	f.links = 20;
	f.warc = (zc_warc_place){"/archives/a.warc.gz", 4096, 0, "<urn:uuid:2>", "<urn:uuid:3>"};
	fetch_round("https://a.gov.cn/list_2.html", &f, &io);
	assert_string_equal(io.stored, "{\"status\":200,\"answer\":\"list\",\"links\":20,\"digest\":\"sha1:BBBB\","
				       "\"fetched_at\":\"2026-11-30T01:02:03Z\",\"warc\":{\"file\":\"/archives/a.warc.gz\","
				       "\"offset\":4096,\"record_id\":\"<urn:uuid:2>\",\"payload_record_id\":\"<urn:uuid:3>\"}}");
	assert_int_equal(io.out.links, 20);
	assert_string_equal(io.out.unparseable, "");
	assert_string_equal(io.out.warc.payload_record_id, "<urn:uuid:3>");
	assert_true(zc_fetch_final(&io.out));	/* a digest and no "unparseable", as before */
	fetch_done(&io);

	zc_fetch_init(&f, ZC_FETCH_ROBOTS);
	static const char robots[] = "User-agent: *\nDisallow: /x\n";
	f.status = 200;
	f.robots = robots;
	f.robots_len = sizeof robots - 1;
	f.at = 1764000000.25;
	fetch_round("https://a.gov.cn/robots.txt", &f, &io);
	assert_string_equal(io.stored, "{\"status\":200,\"robots\":\"User-agent: *\\nDisallow: /x\\n\",\"at\":1764000000.25}");
	assert_int_equal(io.out.kind, ZC_FETCH_ROBOTS);
	assert_int_equal(io.out.robots_len, sizeof robots - 1);
	assert_memory_equal(io.out.robots, robots, sizeof robots - 1);
	assert_true(io.out.at == 1764000000.25);
	fetch_done(&io);
	/* an empty robots.txt is one */
	f.robots = "";
	f.robots_len = 0;
	fetch_round("https://b.gov.cn/robots.txt", &f, &io);
	assert_int_equal(io.out.kind, ZC_FETCH_ROBOTS);
	assert_int_equal(io.out.robots_len, 0);
	fetch_done(&io);
}

/* records as earlier zhengce stored them: MessagePack (schema 3 on) and JSON text (1 and 2) */
static void test_fetch_old(void **state)
{
	(void)state;
	/* {"status":200,"robots":"User-agent: *\nDisallow: /x\n","at":1.5}, by hand */
	static const unsigned char robots[] = {
		0x83, 0xa6, 's', 't', 'a', 't', 'u', 's', 0xcc, 0xc8,
		0xa6, 'r', 'o', 'b', 'o', 't', 's', 0xbb,
		'U', 's', 'e', 'r', '-', 'a', 'g', 'e', 'n', 't', ':', ' ', '*', '\n',
		'D', 'i', 's', 'a', 'l', 'l', 'o', 'w', ':', ' ', '/', 'x', '\n',
		0xa2, 'a', 't', 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0};
	fetch_io io = {.url = "https://c.gov.cn/robots.txt", .raw = robots, .raw_len = sizeof robots};
	assert_int_equal(zc_index_write(idx, fetch_write, &io), ZC_OK);
	assert_int_equal(zc_index_read(idx, fetch_read, &io), ZC_OK);
	assert_int_equal(io.get_rc, ZC_OK);
	assert_int_equal(io.out.kind, ZC_FETCH_ROBOTS);
	assert_int_equal(io.out.status, 200);
	assert_int_equal(io.out.robots_len, 27);
	assert_memory_equal(io.out.robots, "User-agent: *\nDisallow: /x\n", 27);
	assert_true(io.out.at == 1.5);
	fetch_done(&io);

	static const char doc[] = "{\"status\":200,\"etag\":\"W/\\\"5f\\\"\",\"last_modified\":\"Tue, 01 Dec 2026 08:00:00 GMT\","
				  "\"digest\":\"sha1:CCCC\",\"fetched_at\":\"2026-12-01T08:00:00Z\",\"tries\":1}";
	io = (fetch_io){.url = "https://c.gov.cn/a.html", .raw = doc, .raw_len = sizeof doc - 1};
	assert_int_equal(zc_index_write(idx, fetch_write, &io), ZC_OK);
	assert_int_equal(zc_index_read(idx, fetch_read, &io), ZC_OK);
	assert_int_equal(io.get_rc, ZC_OK);
	assert_int_equal(io.out.kind, ZC_FETCH_DOCUMENT);
	assert_string_equal(io.out.etag, "W/\"5f\"");
	assert_string_equal(io.out.last_modified, "Tue, 01 Dec 2026 08:00:00 GMT");
	assert_string_equal(io.out.digest, "sha1:CCCC");
	assert_int_equal(io.out.tries, 1);
	/* written again (MessagePack now), it reads the same and has the same fields in order */
	fetch_io io2;
	fetch_round("https://c.gov.cn/a.html", &io.out, &io2);
	assert_string_equal(io2.stored, doc);
	fetch_done(&io2);
	fetch_done(&io);

	/* not a fetch state: damaged, or not an object */
	static const char damaged[] = {(char)0x83, (char)0xa6, 's', 't'};
	io = (fetch_io){.url = "https://c.gov.cn/b.html", .raw = damaged, .raw_len = sizeof damaged};
	assert_int_equal(zc_index_write(idx, fetch_write, &io), ZC_OK);
	assert_int_equal(zc_index_read(idx, fetch_read, &io), ZC_OK);
	assert_int_equal(io.get_rc, ZC_EPARSE);
	assert_string_equal(io.out.digest, "");
	fetch_done(&io);
	zc_fetch f;
	assert_int_equal(zc_fetch_decode("[1,2]", 5, &f), ZC_EPARSE);
	zc_fetch_clear(&f);
	io = (fetch_io){.url = "https://c.gov.cn/none.html"};
	assert_int_equal(zc_index_read(idx, fetch_read, &io), ZC_OK);
	assert_int_equal(io.get_rc, ZC_ENOTFOUND);
	fetch_done(&io);
}

/* a field a newer zhengce wrote stays, in its place, when this one rewrites the state */
static void test_fetch_unknown(void **state)
{
	(void)state;
	static const char newer[] = "{\"status\":200,\"via\":{\"proxy\":[1,2]},\"etag\":\"e\",\"last_modified\":\"\","
				    "\"digest\":\"sha1:DDDD\",\"fetched_at\":\"2026-12-01T08:00:00Z\",\"tries\":1,\"hint\":\"x\"}";
	fetch_io io = {.url = "https://d.gov.cn/a.html", .raw = newer, .raw_len = sizeof newer - 1};
	assert_int_equal(zc_index_write(idx, fetch_write, &io), ZC_OK);
	assert_int_equal(zc_index_read(idx, fetch_read, &io), ZC_OK);
	zc_fetch g = io.out;
	g.status = 304;
	g.checked_at = "2026-12-03T00:00:00Z";
	fetch_io io2;
	fetch_round("https://d.gov.cn/a.html", &g, &io2);
	assert_string_equal(io2.stored, "{\"status\":304,\"via\":{\"proxy\":[1,2]},\"etag\":\"e\",\"last_modified\":\"\","
					"\"digest\":\"sha1:DDDD\",\"fetched_at\":\"2026-12-01T08:00:00Z\",\"tries\":1,\"hint\":\"x\","
					"\"checked_at\":\"2026-12-03T00:00:00Z\"}");
	fetch_done(&io2);
	/* a state made to hold its own strings keeps them, and the unknown fields, past its source */
	zc_fetch own = io.out;
	json_incref(own.own_);
	char etag[8] = "e2";
	own.etag = etag;
	zc_fetch_own(&own);
	etag[0] = 'X';
	fetch_done(&io);
	assert_string_equal(own.etag, "e2");
	json_t *j = zc_fetch_json(&own);
	char *s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, "{\"status\":200,\"via\":{\"proxy\":[1,2]},\"etag\":\"e2\",\"last_modified\":\"\","
			       "\"digest\":\"sha1:DDDD\",\"fetched_at\":\"2026-12-01T08:00:00Z\",\"tries\":1,\"hint\":\"x\"}");
	free(s);
	json_decref(j);
	zc_fetch_clear(&own);
}

typedef struct each_ctx {
	int n, robots, documents;
} each_ctx;

static int each_one(const char *url, const zc_fetch *f, void *arg)
{
	each_ctx *c = arg;
	c->n++;
	c->robots += f->kind == ZC_FETCH_ROBOTS && strstr(url, "robots.txt") != NULL;
	c->documents += f->kind == ZC_FETCH_DOCUMENT;
	return 0;
}

static int each_txn(zc_txn *t, void *arg)
{
	return zc_tx_fetch_each(t, each_one, arg);
}

static int known_txn(zc_txn *t, void *arg)
{
	int *k = arg;
	k[0] = zc_tx_fetch_known(t, "https://a.gov.cn/doc.html");
	k[1] = zc_tx_fetch_known(t, "https://a.gov.cn/empty.html");
	k[2] = zc_tx_fetch_known(t, "https://a.gov.cn/gone.html");
	k[3] = zc_tx_fetch_known(t, "https://a.gov.cn/never.html");
	return ZC_OK;
}

/* every state that reads, by URL (the damaged one skipped), and which are final answers */
static void test_fetch_each(void **state)
{
	(void)state;
	each_ctx c = {0};
	assert_int_equal(zc_index_read(idx, each_txn, &c), ZC_OK);
	/* written by the tests above: 12 URLs, one of them damaged */
	assert_int_equal(c.n, 11);
	assert_int_equal(c.robots, 3);
	assert_int_equal(c.documents, 3);
	int k[4];
	assert_int_equal(zc_index_read(idx, known_txn, k), ZC_OK);
	assert_true(k[0]);
	assert_false(k[1]);
	assert_true(k[2]);
	assert_false(k[3]);
}

/* ---- frontier requests ---- */

typedef struct req_io {
	const char *host;
	const zc_request *in;	/* pushed, when not NULL */
	const void *raw;	/* else these bytes stored as a request of host (sequence seq) */
	size_t raw_len;
	uint64_t seq;
	int added;
	zc_request out;		/* the first request of host after seq - 1 */
	int peek_rc;
	char *stored;		/* its record as compact JSON */
} req_io;

static int req_write(zc_txn *t, void *arg)
{
	req_io *io = arg;
	if (io->in)
		return zc_tx_frontier_push(t, io->host, io->in, &io->added);
	unsigned char key[128];
	size_t hl = strlen(io->host);
	memcpy(key, io->host, hl + 1);
	zc_u64_key(io->seq, key + hl + 1);
	return zc_tx_put(t, ZC_T_FRONTIER, key, hl + 9, io->raw, io->raw_len);
}

static int req_read(zc_txn *t, void *arg)
{
	req_io *io = arg;
	uint64_t seq = 0;
	io->peek_rc = zc_tx_frontier_peek(t, io->host, io->seq ? io->seq - 1 : 0, &seq, &io->out);
	if (io->peek_rc == ZC_OK) {
		io->seq = seq;
		json_t *j = zc_request_json(&io->out);
		io->stored = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	return ZC_OK;
}

static int req_del(zc_txn *t, void *arg)
{
	req_io *io = arg;
	return zc_tx_frontier_del(t, io->host, io->seq);
}

/* r pushed to host (a queue of its own, empty before) and read back; the caller clears */
static void req_round(const char *host, const zc_request *r, req_io *io)
{
	*io = (req_io){.host = host, .in = r};
	assert_int_equal(zc_index_write(idx, req_write, io), ZC_OK);
	assert_int_equal(io->added, 1);
	assert_int_equal(zc_index_read(idx, req_read, io), ZC_OK);
	assert_int_equal(io->peek_rc, ZC_OK);
}

static void req_done(req_io *io)
{
	zc_request_clear(&io->out);
	free(io->stored);
}

/* each kind of request as the crawl queues it, in the field order it always had */
static void test_request_forms(void **state)
{
	(void)state;
	req_io io;
	zc_request r;
	zc_request_init(&r);
	r.kind = "search";
	r.site = "www.nhc.gov.cn";
	r.url = "https://search.nhc.gov.cn/s";
	r.method = "POST";
	r.body = "q=医联体&p=1";
	r.ep = 1;
	r.kw = "医联体";
	r.page = 1;
	req_round("search.nhc.gov.cn", &r, &io);
	assert_string_equal(io.stored, "{\"kind\":\"search\",\"site\":\"www.nhc.gov.cn\",\"url\":\"https://search.nhc.gov.cn/s\","
				       "\"method\":\"POST\",\"body\":\"q=医联体&p=1\",\"ep\":1,\"kw\":\"医联体\",\"page\":1,"
				       "\"tries\":0,\"not_before\":0.0,\"redirects\":0}");
	assert_string_equal(io.out.kind, "search");
	assert_string_equal(io.out.site, "www.nhc.gov.cn");
	assert_string_equal(io.out.method, "POST");
	assert_string_equal(io.out.body, "q=医联体&p=1");
	assert_int_equal(io.out.ep, 1);
	assert_string_equal(io.out.kw, "医联体");
	assert_int_equal(io.out.page, 1);
	assert_int_equal(io.out.pages, 0);
	assert_false(io.out.inc);
	assert_string_equal(io.out.last_error, "");
	/* a retry: its tries, when and why, last_error after the rest */
	zc_request retry;
	zc_request_share(&retry, &io.out);
	retry.tries = 1;
	retry.not_before = 1764000000.5;
	retry.last_error = "HTTP 503";
	zc_request_own(&retry);
	req_done(&io);		/* the retry keeps its own */
	json_t *j = zc_request_json(&retry);
	char *js = json_dumps(j, JSON_COMPACT);
	assert_string_equal(js, "{\"kind\":\"search\",\"site\":\"www.nhc.gov.cn\",\"url\":\"https://search.nhc.gov.cn/s\","
				"\"method\":\"POST\",\"body\":\"q=医联体&p=1\",\"ep\":1,\"kw\":\"医联体\",\"page\":1,"
				"\"tries\":1,\"not_before\":1764000000.5,\"redirects\":0,\"last_error\":\"HTTP 503\"}");
	free(js);
	json_decref(j);
	zc_request_clear(&retry);

	/* a list's later page of an incremental run */
	zc_request_init(&r);
	r.kind = "list";
	r.site = "wsjkw.zj.gov.cn";
	r.url = "https://wsjkw.zj.gov.cn/col/col1229123469/index_3.html";
	r.method = "GET";
	r.page = 3;
	r.pages = 40;
	r.last = 40;
	r.inc = 1;
	req_round("wsjkw.zj.gov.cn", &r, &io);
	assert_string_equal(io.stored, "{\"kind\":\"list\",\"site\":\"wsjkw.zj.gov.cn\","
				       "\"url\":\"https://wsjkw.zj.gov.cn/col/col1229123469/index_3.html\",\"method\":\"GET\","
				       "\"body\":\"\",\"ep\":0,\"kw\":\"\",\"page\":3,\"tries\":0,\"not_before\":0.0,\"redirects\":0,"
				       "\"pages\":40,\"last\":40,\"inc\":true}");
	assert_int_equal(io.out.page, 3);
	assert_int_equal(io.out.pages, 40);
	assert_int_equal(io.out.last, 40);
	assert_true(io.out.inc);
	req_done(&io);

	/* an article reached by a redirect */
	zc_request_init(&r);
	r.kind = "article";
	r.site = "www.gov.cn";
	r.url = "https://www.gov.cn/zhengce/content/2017-04/26/content_5189071.htm";
	r.method = "GET";
	r.redirects = 2;
	req_round("www.gov.cn", &r, &io);
	assert_string_equal(io.stored, "{\"kind\":\"article\",\"site\":\"www.gov.cn\","
				       "\"url\":\"https://www.gov.cn/zhengce/content/2017-04/26/content_5189071.htm\","
				       "\"method\":\"GET\",\"body\":\"\",\"ep\":0,\"kw\":\"\",\"page\":0,\"tries\":0,"
				       "\"not_before\":0.0,\"redirects\":2}");
	assert_int_equal(io.out.redirects, 2);
	assert_int_equal(io.out.page, 0);
	req_done(&io);
}

/* the seen set: a request is queued once a run, by its kind, URL and body */
static void test_request_seen(void **state)
{
	(void)state;
	zc_request r;
	zc_request_init(&r);
	r.kind = "search";
	r.site = "e.gov.cn";
	r.url = "https://e.gov.cn/s";
	r.method = "POST";
	r.body = "q=1";
	req_io io = {.host = "e.gov.cn", .in = &r};
	assert_int_equal(zc_index_write(idx, req_write, &io), ZC_OK);
	assert_int_equal(io.added, 1);
	r.tries = 3;	/* not part of what makes it the same request */
	r.kw = "other";
	assert_int_equal(zc_index_write(idx, req_write, &io), ZC_OK);
	assert_int_equal(io.added, 0);
	r.body = "q=2";
	assert_int_equal(zc_index_write(idx, req_write, &io), ZC_OK);
	assert_int_equal(io.added, 1);
	r.kind = "list";
	assert_int_equal(zc_index_write(idx, req_write, &io), ZC_OK);
	assert_int_equal(io.added, 1);
	r.url = "https://e.gov.cn/s2";
	assert_int_equal(zc_index_write(idx, req_write, &io), ZC_OK);
	assert_int_equal(io.added, 1);
	/* in order, each deleted in turn */
	static const char *const bodies[] = {"q=1", "q=2", "q=2", "q=2"};
	for (size_t i = 0; i < 4; i++) {
		req_io rd = {.host = "e.gov.cn"};
		assert_int_equal(zc_index_read(idx, req_read, &rd), ZC_OK);
		assert_int_equal(rd.peek_rc, ZC_OK);
		assert_string_equal(rd.out.body, bodies[i]);
		assert_int_equal(zc_index_write(idx, req_del, &rd), ZC_OK);
		req_done(&rd);
	}
	req_io rd = {.host = "e.gov.cn"};
	assert_int_equal(zc_index_read(idx, req_read, &rd), ZC_OK);
	assert_int_equal(rd.peek_rc, ZC_ENOTFOUND);
	req_done(&rd);
}

/* requests as earlier zhengce stored them (a run killed before this one resumes them), and a
   field of a newer one kept where it stood */
static void test_request_old(void **state)
{
	(void)state;
	/* {"kind":"article","url":"https://x.gov.cn/a","not_before":2.5}, by hand */
	static const unsigned char mp[] = {
		0x83, 0xa4, 'k', 'i', 'n', 'd', 0xa7, 'a', 'r', 't', 'i', 'c', 'l', 'e',
		0xa3, 'u', 'r', 'l', 0xb2, 'h', 't', 't', 'p', 's', ':', '/', '/', 'x', '.', 'g', 'o', 'v', '.', 'c', 'n', '/', 'a',
		0xaa, 'n', 'o', 't', '_', 'b', 'e', 'f', 'o', 'r', 'e', 0xcb, 0x40, 0x04, 0, 0, 0, 0, 0, 0};
	req_io io = {.host = "x.gov.cn", .raw = mp, .raw_len = sizeof mp, .seq = 7};
	assert_int_equal(zc_index_write(idx, req_write, &io), ZC_OK);
	assert_int_equal(zc_index_read(idx, req_read, &io), ZC_OK);
	assert_int_equal(io.peek_rc, ZC_OK);
	assert_int_equal(io.seq, 7);
	assert_string_equal(io.out.kind, "article");
	assert_string_equal(io.out.url, "https://x.gov.cn/a");
	assert_true(io.out.not_before == 2.5);
	assert_string_equal(io.out.method, "");
	assert_int_equal(io.out.tries, 0);
	req_done(&io);

	static const char js[] = "{\"kind\":\"search\",\"site\":\"y.gov.cn\",\"url\":\"https://y.gov.cn/s?q=%E5%8C%BB\","
				 "\"method\":\"GET\",\"body\":\"\",\"ep\":0,\"kw\":\"医\",\"page\":2,\"tries\":1,"
				 "\"not_before\":12.0,\"redirects\":0,\"pages\":9,\"last\":9,\"inc\":true,"
				 "\"last_error\":\"Timeout was reached\",\"priority\":[3,{\"a\":null}]}";
	io = (req_io){.host = "y.gov.cn", .raw = js, .raw_len = sizeof js - 1, .seq = 8};
	assert_int_equal(zc_index_write(idx, req_write, &io), ZC_OK);
	assert_int_equal(zc_index_read(idx, req_read, &io), ZC_OK);
	assert_int_equal(io.peek_rc, ZC_OK);
	assert_string_equal(io.out.kw, "医");
	assert_int_equal(io.out.page, 2);
	assert_int_equal(io.out.pages, 9);
	assert_int_equal(io.out.last, 9);
	assert_true(io.out.inc);
	assert_int_equal(io.out.tries, 1);
	assert_true(io.out.not_before == 12.0);
	assert_string_equal(io.out.last_error, "Timeout was reached");
	assert_string_equal(io.stored, js);	/* written again: the same fields, the unknown one kept */
	req_done(&io);

	static const char damaged[] = {(char)0x83, (char)0xa4, 'k'};
	io = (req_io){.host = "z.gov.cn", .raw = damaged, .raw_len = sizeof damaged, .seq = 9};
	assert_int_equal(zc_index_write(idx, req_write, &io), ZC_OK);
	assert_int_equal(zc_index_read(idx, req_read, &io), ZC_OK);
	assert_int_equal(io.peek_rc, ZC_EPARSE);
	assert_string_equal(io.out.url, "");
	req_done(&io);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fetch_forms), cmocka_unit_test(test_fetch_old), cmocka_unit_test(test_fetch_unknown),
		cmocka_unit_test(test_fetch_each), cmocka_unit_test(test_request_forms), cmocka_unit_test(test_request_seen),
		cmocka_unit_test(test_request_old),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
