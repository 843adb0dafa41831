#define _GNU_SOURCE	/* memmem */
/* The index (pages, frontier, lock) and the CSV rules that keep Excel safe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <lmdb.h>

#include "export.h"
#include "index.h"
#include "../../index/internal.h"	/* raw tables: records written as older zhengce wrote them */
#include "../../index/record.h"	/* the stored form, read in place (zc_rec_fields) */
#include "zc.h"
#include "scratch.h"
#include "page_json.h"

/* a page given as JSON, stored by zc_tx_page_store */
static int store_json(zc_txn *t, const char *url, json_t *p, uint64_t *id, int *is_new)
{
	zc_page page;
	int rc = page_of_json(p, &page);
	if (rc == ZC_OK)
		rc = zc_tx_page_store(t, url, &page, id, is_new);
	zc_page_clear(&page);
	return rc;
}

/* a decision of these fields (the others empty) */
static int put_decision(zc_txn *t, uint64_t id, const char *criteria, const char *decision, const char *reason,
			long file_code)
{
	zc_decision d;
	zc_decision_init(&d);
	d.criteria.decision = criteria;
	d.decision = decision;
	d.reason = reason;
	d.file_code = file_code;
	return zc_tx_decision_put(t, id, &d);
}

typedef struct ctx {
	uint64_t id;
	int is_new;
	int added;
	uint64_t seq;
	zc_request req;
} ctx;

static int put_page(zc_txn *t, void *arg)
{
	ctx *c = arg;
	json_t *p = json_pack("{s:s}", "title", "医联体");
	int rc = store_json(t, "https://a.gov.cn/1.html", p, &c->id, &c->is_new);
	json_decref(p);
	return rc;
}

static int push(zc_txn *t, void *arg)
{
	ctx *c = arg;
	zc_request r;
	zc_request_init(&r);
	r.kind = "article";
	r.url = "https://a.gov.cn/2.html";
	return zc_tx_frontier_push(t, "a.gov.cn", &r, &c->added);
}

static int peek(zc_txn *t, void *arg)
{
	ctx *c = arg;
	return zc_tx_frontier_peek(t, "a.gov.cn", 0, &c->seq, &c->req);
}

static int del(zc_txn *t, void *arg)
{
	ctx *c = arg;
	return zc_tx_frontier_del(t, "a.gov.cn", c->seq);
}

static int fail_after_write(zc_txn *t, void *arg)
{
	(void)arg;
	zc_tx_meta_put(t, "half", "written");
	return ZC_EIO;	/* the transaction must leave nothing behind */
}

static int read_half(zc_txn *t, void *arg)
{
	char *v = NULL;
	*(int *)arg = zc_tx_meta_get(t, "half", &v);
	free(v);
	return 0;
}

/* codes as researchers type them: document (2 numbers), entry (4), anything else none */
static void test_code_parse(void **state)
{
	(void)state;
	long n[4];
	assert_int_equal(zc_code_parse("33-12", n), 2);
	assert_true(n[0] == 33 && n[1] == 12);
	assert_int_equal(zc_code_parse("9-3", n), 2);
	assert_true(n[0] == 9 && n[1] == 3);
	assert_int_equal(zc_code_parse("00-29-6-2", n), 4);
	assert_true(n[0] == 0 && n[1] == 29 && n[2] == 6 && n[3] == 2);
	assert_int_equal(zc_code_parse("00-010-0-0", n), 4);
	assert_true(n[1] == 10 && n[2] == 0);
	static const char *const bad[] = {"", "33", "33-", "-33-1", "33-12-3", "33-12-3-2-1", "33-x", "330-1", "33-+1",
					  "33- 1", "33-1 ", "33-1234567890", "33-12-3-", "３３-12", "33--1"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(zc_code_parse(bad[i], n), 0);
}

static void test_index(void **state)
{
	(void)state;
	zc_index *idx;
	ctx c = {0};
	assert_int_equal(zc_index_open(dir, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, put_page, &c), 0);
	assert_true(c.is_new);
	assert_int_equal(c.id, 1);
	assert_int_equal(zc_index_write(idx, put_page, &c), 0);
	assert_false(c.is_new);	/* same URL, same page */
	assert_int_equal(c.id, 1);
	assert_int_equal(zc_index_write(idx, push, &c), 0);
	assert_int_equal(c.added, 1);
	assert_int_equal(zc_index_write(idx, push, &c), 0);
	assert_int_equal(c.added, 0);	/* seen before */
	assert_int_equal(zc_index_read(idx, peek, &c), 0);
	assert_string_equal(c.req.url, "https://a.gov.cn/2.html");
	zc_request_clear(&c.req);
	assert_int_equal(zc_index_write(idx, del, &c), 0);
	assert_int_equal(zc_index_read(idx, peek, &c), ZC_ENOTFOUND);
	zc_request_clear(&c.req);
	int half = 0;
	assert_int_equal(zc_index_write(idx, fail_after_write, NULL), ZC_EIO);
	zc_index_read(idx, read_half, &half);
	assert_int_equal(half, ZC_ENOTFOUND);
	zc_index_close(&idx);
}

/* URLs past LMDB's 511-byte key limit: two of 2,000 bytes that differ only in their last
   byte are two pages, two fetch states and two seen keys; a third under the limit is as before */
typedef struct long_ctx {
	char *u1, *u2;
	uint64_t id1, id2;
	int added1, added2, again;
} long_ctx;

static int long_write(zc_txn *t, void *arg)
{
	long_ctx *c = arg;
	int is_new, rc;
	json_t *p1 = json_pack("{s:s}", "title", "一"), *p2 = json_pack("{s:s}", "title", "二");
	json_t *f = json_pack("{s:s}", "digest", "sha1:A");
	/* seen keys "article URL " of the two URLs */
	zc_request r1, r2;
	zc_request_init(&r1);
	r1.kind = "article";
	r1.url = c->u1;
	r2 = r1;
	r2.url = c->u2;
	if ((rc = store_json(t, c->u1, p1, &c->id1, &is_new)) == ZC_OK &&
	    (rc = store_json(t, c->u2, p2, &c->id2, &is_new)) == ZC_OK &&
	    (rc = zc_tx_put_json(t, ZC_T_FETCH, c->u1, f)) == ZC_OK &&
	    (rc = zc_tx_frontier_push(t, "a.gov.cn", &r1, &c->added1)) == ZC_OK &&
	    (rc = zc_tx_frontier_push(t, "a.gov.cn", &r2, &c->added2)) == ZC_OK)
		rc = zc_tx_frontier_push(t, "a.gov.cn", &r1, &c->again);
	json_decref(p1);
	json_decref(p2);
	json_decref(f);
	return rc;
}

static int long_read(zc_txn *t, void *arg)
{
	long_ctx *c = arg;
	uint64_t id = 0;
	json_t *f = NULL;
	assert_int_equal(zc_tx_page_id(t, c->u2, &id), ZC_OK);
	assert_int_equal(id, c->id2);
	assert_int_equal(zc_tx_get_json(t, ZC_T_FETCH, c->u1, &f), ZC_OK);
	assert_string_equal(json_string_value(json_object_get(f, "digest")), "sha1:A");
	json_decref(f);
	assert_int_equal(zc_tx_get_json(t, ZC_T_FETCH, c->u2, &f), ZC_ENOTFOUND);
	assert_int_equal(zc_tx_del(t, ZC_T_FETCH, c->u1, strlen(c->u1)), ZC_OK);
	assert_int_equal(zc_tx_get_json(t, ZC_T_FETCH, c->u1, &f), ZC_ENOTFOUND);
	return ZC_OK;
}

static void test_long_keys(void **state)
{
	(void)state;
	zc_index *idx;
	long_ctx c = {0};
	size_t n = 2000;
	c.u1 = zc_malloc(n + 1);
	memcpy(c.u1, "https://a.gov.cn/link.do?url=", 29);
	memset(c.u1 + 29, 'x', n - 29);
	c.u1[n] = '\0';
	c.u2 = zc_strdup(c.u1);
	c.u2[n - 1] = 'y';
	char sub[96];
	snprintf(sub, sizeof sub, "%s/long", dir);
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, long_write, &c), ZC_OK);
	assert_true(c.id1 != c.id2);
	assert_int_equal(c.added1, 1);
	assert_int_equal(c.added2, 1);	/* not taken for the first: they differ past byte 500 */
	assert_int_equal(c.again, 0);
	assert_int_equal(zc_index_write(idx, long_read, &c), ZC_OK);
	zc_index_close(&idx);
	free(c.u1);
	free(c.u2);
}

/* a corpus written before long keys were hashed keeps a URL of 481-511 bytes as its key: the
   URL still finds its page, and storing it again replaces that page rather than adding one */
typedef struct old_key_ctx {
	const char *url;
	uint64_t id;
	int is_new;
} old_key_ctx;

static int old_key_store(zc_txn *t, void *arg)
{
	old_key_ctx *c = arg;
	json_t *p = json_pack("{s:{s:s,s:s}}", "doc", "title", "旧", "body", "旧的正文");
	int rc = store_json(t, c->url, p, &c->id, &c->is_new);
	json_decref(p);
	return rc;
}

static void test_long_keys_old(void **state)
{
	(void)state;
	char sub[96], url[501];
	snprintf(sub, sizeof sub, "%s/oldkeys", dir);
	memset(url, 'z', sizeof url - 1);
	memcpy(url, "https://a.gov.cn/", 17);
	url[sizeof url - 1] = '\0';
	zc_index *idx;
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	zc_index_close(&idx);
	/* the key as the earlier zhengce wrote it: the URL itself, page id 7 */
	char path[128];
	snprintf(path, sizeof path, "%s/corpus", sub);
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi urls;
	unsigned char id[8] = {0, 0, 0, 0, 0, 0, 0, 7};
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 64), 0);
	assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 30), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "urls", 0, &urls), 0);
	MDB_val k = {strlen(url), url}, v = {8, id};
	assert_int_equal(mdb_put(txn, urls, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	old_key_ctx c = {url, 0, -1};
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, old_key_store, &c), ZC_OK);
	assert_int_equal(c.id, 7);
	assert_int_equal(c.is_new, 0);
	zc_index_close(&idx);
}

/* a page whose title and body hold no pair of characters: the merge of its empty set of pairs
   (alone in the queue) ends, and the progress it shows divides by nothing */
static int store_empty(zc_txn *t, void *arg)
{
	(void)arg;
	uint64_t id;
	int is_new;
	json_t *p = json_pack("{s:{s:s,s:s}}", "doc", "title", "", "body", "");
	int rc = store_json(t, "https://a.gov.cn/empty.html", p, &id, &is_new);
	json_decref(p);
	return rc;
}

static void test_pairs_empty(void **state)
{
	(void)state;
	zc_index *idx;
	zc_progress prog = {0};
	char sub[96];
	snprintf(sub, sizeof sub, "%s/emptypairs", dir);
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, store_empty, NULL), ZC_OK);
	assert_int_equal(zc_index_merge_pairs(idx, &prog), ZC_OK);
	assert_int_equal(zc_index_merge_pairs(idx, &prog), ZC_OK);
	zc_index_close(&idx);
}

/* a page record as stored (MessagePack: the body, then the page without it) and as records
   were stored before (schema 2: the JSON, a NUL, the body; schema 1: JSON alone): all read
   back as the page, the body in its place among the document's fields */
#define BODY "一、总体要求\n（一）推进\"医联体\"建设\\ 资源下沉。\t"

typedef struct rec_ctx {
	zc_page page, old, old2, bad, bad3;
	char *body;
	size_t body_len;
	char *raw, *raw2;
	size_t rawlen, rawlen2;
	int rc_bad, rc_bad3;
} rec_ctx;

static int records(zc_txn *t, void *arg)
{
	rec_ctx *r = arg;
	json_t *p = json_pack("{s:s,s:{s:s,s:s,s:s},s:s}", "url", "https://a.gov.cn/r.html", "doc", "title", "关于推进医联体建设的通知",
			      "body", BODY, "type", "通知", "jurisdiction", "33");
	uint64_t id;
	int is_new, rc = store_json(t, "https://a.gov.cn/r.html", p, &id, &is_new);
	json_decref(p);
	if (rc != ZC_OK || (rc = zc_tx_page_get(t, id, &r->page)) != ZC_OK)
		return rc;
	unsigned char k[8];
	zc_u64_key(id, k);
	if ((rc = zc_tx_get(t, ZC_T_PAGES, k, 8, &r->raw, &r->rawlen)) != ZC_OK)
		return rc;
	/* the page read and written back: the same record */
	if ((rc = zc_tx_page_put(t, id, &r->page)) != ZC_OK || (rc = zc_tx_get(t, ZC_T_PAGES, k, 8, &r->raw2, &r->rawlen2)) != ZC_OK)
		return rc;
	/* a record of an earlier zhengce: the same page, all JSON */
	const char *old = "{\"url\":\"https://a.gov.cn/o.html\",\"doc\":{\"title\":\"旧\",\"body\":\"正文\\n第二行\",\"type\":\"意见\"}}";
	zc_u64_key(900, k);
	if ((rc = zc_tx_put(t, ZC_T_PAGES, k, 8, old, strlen(old))) != ZC_OK || (rc = zc_tx_page_get(t, 900, &r->old)) != ZC_OK)
		return rc;
	/* a damaged record: its body is not UTF-8 */
	static const char bad[] = "{\"url\":\"https://a.gov.cn/b.html\",\"doc\":{\"body\":\"\"}}\0\xff\xfe";
	zc_u64_key(901, k);
	if ((rc = zc_tx_put(t, ZC_T_PAGES, k, 8, bad, sizeof bad - 1)) != ZC_OK)
		return rc;
	r->rc_bad = zc_tx_page_get(t, 901, &r->bad);
	/* schema 2: the JSON with "body":"", a NUL, the body */
	static const char v2[] = "{\"url\":\"https://a.gov.cn/v2.html\",\"doc\":{\"title\":\"二\",\"body\":\"\",\"type\":\"通知\"}}\0正文二";
	zc_u64_key(902, k);
	if ((rc = zc_tx_put(t, ZC_T_PAGES, k, 8, v2, sizeof v2 - 1)) != ZC_OK || (rc = zc_tx_page_get(t, 902, &r->old2)) != ZC_OK ||
	    (rc = zc_tx_page_body(t, id, &r->body, &r->body_len)) != ZC_OK)
		return rc;
	/* schema 3, damaged: a body of 2 bytes that are not UTF-8, then the map {"doc":{}} */
	static const char bad3[] = "\xa2\xff\xfe\x81\xa3" "doc" "\x80";
	zc_u64_key(903, k);
	if ((rc = zc_tx_put(t, ZC_T_PAGES, k, 8, bad3, sizeof bad3 - 1)) != ZC_OK)
		return rc;
	r->rc_bad3 = zc_tx_page_get(t, 903, &r->bad3);
	return ZC_OK;
}

static void test_page_record(void **state)
{
	(void)state;
	zc_index *idx;
	rec_ctx r = {.raw = NULL};
	char sub[96];
	snprintf(sub, sizeof sub, "%s/records", dir);	/* the other tests' pages are not these */
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, records, &r), 0);
	/* the body first, a MessagePack str 8 (0xd9, its length in one byte), as it is: no escapes;
	   then a map holding the title as it is and the body empty (fixstr "body", fixstr "") */
	assert_true(strlen(BODY) >= 32 && strlen(BODY) < 256);
	assert_int_equal((unsigned char)r.raw[0], 0xd9);
	assert_int_equal((unsigned char)r.raw[1], strlen(BODY));
	assert_memory_equal(r.raw + 2, BODY, strlen(BODY));
	const char *rest = r.raw + 2 + strlen(BODY);
	assert_int_equal((unsigned char)rest[0] & 0xf0, 0x80);
	size_t restlen = r.rawlen - (size_t)(rest - r.raw);
	assert_non_null(memmem(rest, restlen, "关于推进医联体建设的通知", strlen("关于推进医联体建设的通知")));
	assert_non_null(memmem(rest, restlen, "\xa4" "body" "\xa0", 6));
	assert_null(memmem(rest, restlen, "医联体\"建设", strlen("医联体\"建设")));
	assert_string_equal(r.body, BODY);
	assert_int_equal(r.body_len, strlen(BODY));
	/* read back: the same body and fields; written back, the same bytes (the fields in the
	   places they had, the body in its place between title and type) */
	assert_string_equal(r.page.doc.body, BODY);
	assert_int_equal(r.page.doc.body_len, strlen(BODY));
	assert_string_equal(r.page.doc.title, "关于推进医联体建设的通知");
	assert_string_equal(r.page.doc.type, "通知");
	assert_int_equal(r.rawlen2, r.rawlen);
	assert_memory_equal(r.raw2, r.raw, r.rawlen);
	const char *t = memmem(rest, restlen, "\xa5" "title", 6), *b = memmem(rest, restlen, "\xa4" "body", 5);
	const char *ty = memmem(rest, restlen, "\xa4" "type", 5);
	assert_true(t && b && ty && t < b && b < ty);
	assert_string_equal(r.page.jurisdiction, "33");
	assert_string_equal(zc_page_jurisdiction(&r.page), "33");
	assert_string_equal(r.old.doc.body, "正文\n第二行");
	assert_string_equal(r.old.doc.title, "旧");
	assert_int_equal(r.rc_bad, ZC_EPARSE);
	assert_string_equal(r.bad.url, "");
	assert_int_equal(r.rc_bad3, ZC_EPARSE);
	assert_string_equal(r.bad3.doc.title, "");
	assert_string_equal(r.old2.doc.body, "正文二");
	assert_string_equal(r.old2.doc.type, "通知");
	zc_page plain;
	assert_int_equal(zc_page_decode("{\"doc\":{}}\0\xc3", 13, &plain), ZC_EPARSE);
	assert_int_equal(zc_page_decode("{\"doc\":{}}\0正文", 11 + 6, &plain), ZC_OK);
	assert_string_equal(plain.doc.body, "正文");
	zc_page_clear(&plain);
	zc_page_clear(&r.page);
	zc_page_clear(&r.old);
	zc_page_clear(&r.old2);
	free(r.body);
	free(r.raw);
	free(r.raw2);
	zc_index_close(&idx);
}

/*
 * The typed records and their codecs (index/page.h): every field written comes back; records
 * as schema 2 wrote them (JSON text) read the same; a field this zhengce does not know (one a
 * newer zhengce wrote) is kept when a record is read and written back.
 */
typedef struct codec_ctx {
	zc_page page, jpage, page2;
	zc_decision dec, jdec, dec2, none;
	zc_entry ent, jent, ent2;
	char *raw_page, *raw_dec, *raw_ent;
	size_t n_page, n_dec, n_ent;
	int rc_none;
} codec_ctx;

static int codec_write(zc_txn *t, void *arg)
{
	codec_ctx *c = arg;
	const char *issuers[] = {"浙江省卫生健康委员会", "浙江省财政厅"}, *sources[] = {"https://a/1", "https://b/1"};
	zc_page_attachment att[] = {{"附件1.doc", "https://a/f1.doc"}};
	zc_page p;
	zc_page_init(&p);
	p.url = "https://a/1";
	p.site = "a";
	p.site_kind = "hc";
	p.jurisdiction = "33";
	p.fetched_at = "2026-11-25T07:12:58Z";
	p.digest = "sha1:ABC";
	p.warc = (zc_warc_place){"/archives/x.warc.gz", 81920, 512, "<urn:uuid:1>", "<urn:uuid:0>"};
	p.doc.url = "https://a/1";
	p.doc.title = "关于推进医联体建设的通知";
	p.doc.docno = "浙卫发〔2017〕1号";
	p.doc.issuers = issuers;
	p.doc.n_issuers = 2;
	p.doc.written_date = "";
	p.doc.published_date = "2017-04-26";
	p.doc.type = "通知";
	p.doc.validity = "有效";
	p.doc.column = "政策文件";
	p.doc.charset = "GB18030";
	p.doc.bad_bytes = 3;
	p.doc.challenge = 1;
	p.doc.attachments = att;
	p.doc.n_attachments = 1;
	p.doc.body = "一、总体要求\n推进医联体。";
	uint64_t id;
	int is_new, rc = zc_tx_page_store(t, "https://a/1", &p, &id, &is_new);
	zc_decision d;
	zc_decision_init(&d);
	d.criteria.decision = "included";
	d.criteria.reason = "";
	d.criteria.evidence = "issued by 浙江省卫生健康委员会";
	d.key = "D|浙卫发〔2017〕1号";
	d.abolition_keys[0] = "33|D|浙卫发〔2017〕1号";
	d.abolition_keys[1] = "33|T|关于推进医联体建设的通知";
	d.rank = 1;
	d.jurisdiction = "33";
	d.url = "https://a/1";
	d.date = "2017-04-26";
	d.published_date = "2017-04-26";
	d.docno = "浙卫发〔2017〕1号";
	d.decision = "included";
	d.reason = "";
	d.evidence = "issued by 浙江省卫生健康委员会";
	d.canonical_url = "";
	d.sources = sources;
	d.n_sources = 2;
	d.file_code = 12;
	d.entries = 2;
	if (rc == ZC_OK)
		rc = zc_tx_decision_put(t, id, &d);
	if (rc == ZC_OK)
		rc = zc_tx_entry_put(t, &(zc_entry){.doc_code = "33-12", .page = id, .section = 1, .item = 0, .text = "推进医联体。"});
	if (rc != ZC_OK || (rc = zc_tx_page_get(t, id, &c->page)) != ZC_OK || (rc = zc_tx_decision_get(t, id, &c->dec)) != ZC_OK ||
	    (rc = zc_tx_entry_get(t, "33-12-1-0", &c->ent)) != ZC_OK)
		return rc;
	c->rc_none = zc_tx_decision_get(t, 77, &c->none);
	/* as schema 2 wrote them, with a field of a newer zhengce at each level */
	static const char pj[] = "{\"id\":5,\"url\":\"https://b/5\",\"jurisdiction\":\"00\",\"later\":[1,2],"
				 "\"warc\":{\"file\":\"z.warc.gz\",\"offset\":7,\"record_id\":\"<urn:uuid:5>\",\"later\":\"w\"},"
				 "\"doc\":{\"title\":\"旧\",\"issuers\":[\"国务院\"],\"written_date\":\"2016-01-02\",\"body\":\"\",\"later\":true}}\0正文";
	static const char dj[] = "{\"criteria\":{\"decision\":\"included\",\"later\":1},\"decision\":\"excluded\",\"reason\":\"duplicate\","
				 "\"sources\":[\"https://b/5\"],\"file_code\":4,\"later\":{\"x\":1}}";
	static const char ej[] = "{\"code\":\"00-4-2-1\",\"doc_code\":\"00-4\",\"page\":5,\"section\":2,\"item\":1,\"text\":\"条目\","
				 "\"later\":\"e\"}";
	unsigned char k[8];
	zc_u64_key(5, k);
	if ((rc = zc_tx_put(t, ZC_T_PAGES, k, 8, pj, sizeof pj - 1)) != ZC_OK ||
	    (rc = zc_tx_put(t, ZC_T_DECISIONS, k, 8, dj, sizeof dj - 1)) != ZC_OK ||
	    (rc = zc_tx_put(t, ZC_T_ENTRIES, "00-4-2-1", 8, ej, sizeof ej - 1)) != ZC_OK)
		return rc;
	if ((rc = zc_tx_page_get(t, 5, &c->jpage)) != ZC_OK || (rc = zc_tx_decision_get(t, 5, &c->jdec)) != ZC_OK ||
	    (rc = zc_tx_entry_get(t, "00-4-2-1", &c->jent)) != ZC_OK)
		return rc;
	/* written back, one field changed each: the fields of the newer zhengce stay */
	zc_page rp;
	zc_decision rd;
	zc_entry re;
	if ((rc = zc_tx_page_record(t, 5, &rp)) != ZC_OK || (rc = zc_tx_decision_get(t, 5, &rd)) != ZC_OK ||
	    (rc = zc_tx_entry_get(t, "00-4-2-1", &re)) != ZC_OK)
		return rc;
	rp.doc.title = "新";
	rd.file_code = 0;	/* the key goes */
	re.doc_code = "00-9";	/* renumbered: a new key */
	if ((rc = zc_tx_page_put(t, 5, &rp)) == ZC_OK && (rc = zc_tx_decision_put(t, 5, &rd)) == ZC_OK)
		rc = zc_tx_entry_put(t, &re);
	zc_page_clear(&rp);
	zc_decision_clear(&rd);
	zc_entry_clear(&re);
	if (rc != ZC_OK || (rc = zc_tx_get(t, ZC_T_PAGES, k, 8, &c->raw_page, &c->n_page)) != ZC_OK ||
	    (rc = zc_tx_get(t, ZC_T_DECISIONS, k, 8, &c->raw_dec, &c->n_dec)) != ZC_OK ||
	    (rc = zc_tx_get(t, ZC_T_ENTRIES, "00-9-2-1", 8, &c->raw_ent, &c->n_ent)) != ZC_OK)
		return rc;
	if ((rc = zc_tx_page_get(t, 5, &c->page2)) != ZC_OK || (rc = zc_tx_decision_get(t, 5, &c->dec2)) != ZC_OK)
		return rc;
	return zc_tx_entry_get(t, "00-9-2-1", &c->ent2);
}

static void test_codecs(void **state)
{
	(void)state;
	zc_index *idx;
	codec_ctx c = {.raw_page = NULL};
	char sub[96];
	snprintf(sub, sizeof sub, "%s/codecs", dir);
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, codec_write, &c), ZC_OK);
	/* the page, every field, with its decision */
	const zc_page *p = &c.page;
	assert_int_equal(p->id, 1);
	assert_string_equal(p->url, "https://a/1");
	assert_string_equal(p->site, "a");
	assert_string_equal(p->site_kind, "hc");
	assert_string_equal(p->jurisdiction, "33");
	assert_string_equal(p->fetched_at, "2026-11-25T07:12:58Z");
	assert_string_equal(p->digest, "sha1:ABC");
	assert_string_equal(p->warc.file, "/archives/x.warc.gz");
	assert_int_equal(p->warc.offset, 81920);
	assert_int_equal(p->warc.skip, 512);
	assert_string_equal(p->warc.record_id, "<urn:uuid:1>");
	assert_string_equal(p->warc.payload_record_id, "<urn:uuid:0>");
	assert_string_equal(p->doc.url, "https://a/1");
	assert_string_equal(p->doc.title, "关于推进医联体建设的通知");
	assert_string_equal(p->doc.docno, "浙卫发〔2017〕1号");
	assert_int_equal(p->doc.n_issuers, 2);
	assert_string_equal(p->doc.issuers[1], "浙江省财政厅");
	assert_string_equal(p->doc.written_date, "");
	assert_string_equal(p->doc.published_date, "2017-04-26");
	assert_string_equal(zc_page_date(p), "2017-04-26");	/* no written date: the published one */
	assert_string_equal(p->doc.type, "通知");
	assert_string_equal(p->doc.validity, "有效");
	assert_string_equal(p->doc.column, "政策文件");
	assert_string_equal(p->doc.charset, "GB18030");
	assert_int_equal(p->doc.bad_bytes, 3);
	assert_int_equal(p->doc.challenge, 1);
	assert_int_equal(p->doc.n_attachments, 1);
	assert_string_equal(p->doc.attachments[0].name, "附件1.doc");
	assert_string_equal(p->doc.attachments[0].url, "https://a/f1.doc");
	assert_string_equal(p->doc.body, "一、总体要求\n推进医联体。");
	assert_true(zc_page_included(p));
	char code[32];
	assert_string_equal(zc_page_code(p, code, sizeof code), "33-12");
	/* the decision, every field */
	const zc_decision *d = &c.dec;
	assert_string_equal(d->criteria.decision, "included");
	assert_string_equal(d->criteria.reason, "");
	assert_string_equal(d->criteria.evidence, "issued by 浙江省卫生健康委员会");
	assert_string_equal(d->key, "D|浙卫发〔2017〕1号");
	assert_string_equal(d->abolition_keys[0], "33|D|浙卫发〔2017〕1号");
	assert_string_equal(d->abolition_keys[1], "33|T|关于推进医联体建设的通知");
	assert_int_equal(d->rank, 1);
	assert_string_equal(d->jurisdiction, "33");
	assert_string_equal(d->url, "https://a/1");
	assert_string_equal(d->date, "2017-04-26");
	assert_string_equal(d->published_date, "2017-04-26");
	assert_string_equal(d->docno, "浙卫发〔2017〕1号");
	assert_string_equal(d->decision, "included");
	assert_string_equal(d->evidence, "issued by 浙江省卫生健康委员会");
	assert_string_equal(d->canonical_url, "");
	assert_int_equal(d->n_sources, 2);
	assert_string_equal(d->sources[1], "https://b/1");
	assert_int_equal(d->file_code, 12);
	assert_int_equal(d->entries, 2);
	assert_string_equal(p->dec.key, d->key);
	assert_int_equal(c.rc_none, ZC_ENOTFOUND);
	assert_string_equal(c.none.decision, "");
	assert_int_equal(c.none.n_sources, 0);
	/* the entry: its code from its document's, section and item */
	assert_string_equal(c.ent.code, "33-12-1-0");
	assert_string_equal(c.ent.doc_code, "33-12");
	assert_int_equal(c.ent.page, 1);
	assert_int_equal(c.ent.section, 1);
	assert_int_equal(c.ent.item, 0);
	assert_string_equal(c.ent.text, "推进医联体。");
	/* schema 2's JSON: the same fields; absent ones empty */
	assert_int_equal(c.jpage.id, 5);
	assert_string_equal(c.jpage.doc.title, "旧");
	assert_string_equal(c.jpage.doc.body, "正文");
	assert_string_equal(c.jpage.doc.issuers[0], "国务院");
	assert_string_equal(zc_page_date(&c.jpage), "2016-01-02");
	assert_string_equal(c.jpage.warc.file, "z.warc.gz");
	assert_int_equal(c.jpage.warc.skip, 0);
	assert_string_equal(c.jpage.site, "");
	assert_string_equal(c.jpage.dec.reason, "duplicate");
	assert_string_equal(c.jdec.criteria.decision, "included");
	assert_string_equal(c.jdec.decision, "excluded");
	assert_int_equal(c.jdec.file_code, 4);
	assert_string_equal(c.jdec.key, "");
	assert_string_equal(c.jent.code, "00-4-2-1");
	assert_int_equal(c.jent.page, 5);
	assert_string_equal(c.jent.text, "条目");
	/* written back: the change made, the rest as it was, a newer zhengce's fields kept */
	assert_string_equal(c.page2.doc.title, "新");
	assert_string_equal(c.page2.doc.body, "正文");
	assert_string_equal(c.page2.doc.issuers[0], "国务院");
	assert_string_equal(c.page2.warc.record_id, "<urn:uuid:5>");
	assert_int_equal(c.dec2.file_code, 0);
	assert_string_equal(c.dec2.reason, "duplicate");
	assert_string_equal(c.dec2.sources[0], "https://b/5");
	assert_string_equal(c.ent2.code, "00-9-2-1");
	assert_string_equal(c.ent2.doc_code, "00-9");
	assert_string_equal(c.ent2.text, "条目");
	zc_page pr;
	assert_int_equal(zc_page_decode(c.raw_page, c.n_page, &pr), ZC_OK);
	assert_true(json_is_true(json_object_get(json_object_get(pr.own_, "doc"), "later")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(pr.own_, "warc"), "later")), "w");
	assert_int_equal(json_array_size(json_object_get(pr.own_, "later")), 2);
	zc_page_clear(&pr);
	json_t *dr = zc_record_parse(c.raw_dec, c.n_dec), *er = zc_record_parse(c.raw_ent, c.n_ent);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(dr, "later"), "x")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(dr, "criteria"), "later")), 1);
	assert_null(json_object_get(dr, "file_code"));
	assert_string_equal(json_string_value(json_object_get(er, "later")), "e");
	json_decref(dr);
	json_decref(er);
	zc_page_clear(&c.page);
	zc_page_clear(&c.jpage);
	zc_page_clear(&c.page2);
	zc_decision_clear(&c.dec);
	zc_decision_clear(&c.jdec);
	zc_decision_clear(&c.dec2);
	zc_decision_clear(&c.none);
	zc_entry_clear(&c.ent);
	zc_entry_clear(&c.jent);
	zc_entry_clear(&c.ent2);
	free(c.raw_page);
	free(c.raw_dec);
	free(c.raw_ent);
	zc_index_close(&idx);
}

/* any other record: MessagePack (bytes written here by hand from the format's specification)
   or the JSON of schema 1 and 2, the same value either way; damaged bytes read as nothing */
static void test_record_parse(void **state)
{
	(void)state;
	/* {"code":"00-29-6-2","page":300,"ok":true,"n":null,"xs":[-1]} */
	static const char mp[] = "\x85\xa4" "code" "\xa9" "00-29-6-2" "\xa4" "page" "\xcd\x01\x2c"
				 "\xa2" "ok" "\xc3\xa1" "n" "\xc0\xa2" "xs" "\x91\xff";
	json_t *a = zc_record_parse(mp, sizeof mp - 1);
	json_t *b = zc_record_parse("{\"code\":\"00-29-6-2\",\"page\":300,\"ok\":true,\"n\":null,\"xs\":[-1]}", 60);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(json_equal(a, b));
	assert_string_equal(json_string_value(json_object_get(a, "code")), "00-29-6-2");
	assert_int_equal(json_integer_value(json_object_get(a, "page")), 300);
	json_decref(a);
	json_decref(b);
	assert_null(zc_record_parse(mp, sizeof mp - 2));	/* cut short */
	assert_null(zc_record_parse("\x81\xa1k\xa1v\x00", 6));	/* a byte after the value */
	assert_null(zc_record_parse("\x81\xa1k\xc4\x01z", 6));	/* binary, which JSON has not */
	assert_null(zc_record_parse("\x81\x01\xa1v", 4));	/* a key that is not text */
	assert_null(zc_record_parse("\x81\xa1k\xa2\xc3\x28", 6));	/* text that is not UTF-8 */
	/* counts larger than the bytes left: 2,644,352,413 items (msgpack-c would allocate 42 GB
	   for them before finding the record short: the ASan build aborts), a map of 65,535 pairs */
	assert_null(zc_record_parse("\xdd\x9d\x9d\x9d\x9d\x01\x02", 7));
	assert_null(zc_record_parse("\x81\xa1k\xde\xff\xff\xa1k\x01", 9));
	assert_null(zc_record_parse("\xda\xff\xff" "ab", 5));	/* a string longer than the record */
	assert_null(zc_record_parse("\xc1", 1));	/* the one byte MessagePack never uses */
	assert_null(zc_record_parse("{\"k\":", 5));
	assert_null(zc_record_parse("", 0));
}

/* zc_rec_fields reads a record's fields as zc_record_parse does: strings, integers from the
   smallest MessagePack form to the largest, negative ones, the last of a key given twice,
   containers and other values skipped over; a JSON record or damaged bytes are left to
   zc_record_parse (ZC_EPARSE) */
static void test_rec_fields(void **state)
{
	(void)state;
	static const char *const keys[] = {"jurisdiction", "decision", "file_code", "criteria", "gone"};
	const json_int_t ints[] = {0, 1, 127, 128, 255, 256, 65535, 65536, 4294967296LL, INT64_MAX, -1, -32, -33, -128,
				   -129, -32768, -32769, -2147483648LL, -2147483649LL, INT64_MIN};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		json_t *r = json_pack("{s:s,s:{s:s,s:[i,s]},s:s,s:I,s:f,s:s}", "jurisdiction", "33", "criteria", "decision",
				      "excluded", "xs", 1, "x", "decision", "excluded", "file_code", ints[i], "score", 0.5,
				      "decision", "included");
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		assert_int_equal(zc_rec_encode(r, &b), ZC_OK);
		json_t *whole = zc_record_parse(b.data, b.len);
		zc_rec_field f[5];
		assert_int_equal(zc_rec_fields(b.data, b.len, keys, 5, f), ZC_OK);
		assert_int_equal(f[0].found, 1);
		assert_int_equal(f[0].len, 2);
		assert_memory_equal(f[0].s, zc_jstr(whole, "jurisdiction"), 2);
		assert_int_equal(f[1].found, 1);	/* the last "decision", not the criteria's */
		assert_int_equal(f[1].len, strlen(zc_jstr(whole, "decision")));
		assert_memory_equal(f[1].s, zc_jstr(whole, "decision"), f[1].len);
		assert_int_equal(f[2].found, 2);
		assert_true(f[2].i == json_integer_value(json_object_get(whole, "file_code")));
		assert_true(f[2].i == ints[i]);
		assert_int_equal(f[3].found, 3);	/* a map */
		assert_int_equal(f[4].found, 0);
		/* cut anywhere: never read past the end */
		for (size_t cut = 0; cut < b.len; cut++)
			assert_int_equal(zc_rec_fields(b.data, cut, keys, 5, f), ZC_EPARSE);
		json_decref(whole);
		json_decref(r);
		zc_buf_free(&b);
	}
	zc_rec_field f[1];
	assert_int_equal(zc_rec_fields("{\"decision\":\"included\"}", 23, keys + 1, 1, f), ZC_EPARSE);
	assert_int_equal(zc_rec_fields("\x92\x01\x02", 3, keys, 1, f), ZC_EPARSE);	/* not a map */
	assert_int_equal(zc_rec_fields("\x81\xa1k\xa1v\x00", 6, keys, 1, f), ZC_EPARSE);	/* a byte after it */
	assert_int_equal(zc_rec_fields("\x81\xa1k\xde\xff\xff\xa1k\x01", 9, keys, 1, f), ZC_EPARSE);
}

/* records read one after another, as a crawl reads them: a value far larger than the first
   block of the decoder's memory (3,000 strings), a small one, damaged ones, the large one
   again; each reads whole, whatever the one before it left behind */
static void test_record_parse_sequence(void **state)
{
	(void)state;
	enum { N = 3000 };
	unsigned char big[3 + N * 5 + 1];	/* + the NUL of the last snprintf */
	size_t n = 0;
	big[n++] = 0xdc;	/* array 16: N items */
	big[n++] = N >> 8;
	big[n++] = N & 0xff;
	for (int i = 0; i < N; i++) {
		big[n++] = 0xa4;	/* fixstr of 4 */
		snprintf((char *)big + n, 5, "%04d", i);
		n += 4;
	}
	static const char small[] = "\x82\xa4" "code" "\xa9" "00-29-6-2" "\xa4" "page" "\xcd\x01\x2c";
	for (int round = 0; round < 2; round++) {
		json_t *a = zc_record_parse(big, n);
		assert_non_null(a);
		assert_int_equal(json_array_size(a), N);
		assert_string_equal(json_string_value(json_array_get(a, 0)), "0000");
		assert_string_equal(json_string_value(json_array_get(a, 1234)), "1234");
		assert_string_equal(json_string_value(json_array_get(a, N - 1)), "2999");
		json_t *b = zc_record_parse(small, sizeof small - 1);
		assert_non_null(b);
		assert_string_equal(json_string_value(json_object_get(b, "code")), "00-29-6-2");
		assert_int_equal(json_integer_value(json_object_get(b, "page")), 300);
		/* the large value cut in the middle of its last string, and a bad byte in a small one */
		assert_null(zc_record_parse(big, n - 2));
		assert_null(zc_record_parse("\x81\xa1k\xc1", 4));
		json_decref(a);
		json_decref(b);
	}
}

/* meta "schema": a new corpus gets this zhengce's version; an older corpus is marked with it
   by a writable open only (version 4 reads the records of 1 to 3); a newer one is refused */
static int schema_get(zc_txn *t, void *arg)
{
	char *v = NULL;
	int rc = zc_tx_meta_get(t, "schema", &v);
	snprintf(arg, 16, "%s", v ? v : "");
	free(v);
	return rc;
}

static int schema_put(zc_txn *t, void *arg)
{
	return zc_tx_meta_put(t, "schema", arg);
}

static void schema_of(const char *path, unsigned flags, char out[16])
{
	zc_index *idx;
	assert_int_equal(zc_index_open(path, flags, &idx), 0);
	assert_int_equal(zc_index_read(idx, schema_get, out), 0);
	zc_index_close(&idx);
}

static void schema_set(const char *path, const char *v)
{
	zc_index *idx;
	assert_int_equal(zc_index_open(path, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, schema_put, (void *)v), 0);
	zc_index_close(&idx);
}

static void test_schema(void **state)
{
	(void)state;
	char sub[96], v[16];
	snprintf(sub, sizeof sub, "%s/schema", dir);
	schema_of(sub, 0, v);
	assert_string_equal(v, "4");
	schema_set(sub, "2");
	schema_of(sub, ZC_INDEX_RDONLY, v);	/* a reader changes nothing */
	assert_string_equal(v, "2");
	schema_of(sub, 0, v);
	assert_string_equal(v, "4");
	schema_set(sub, "1");
	schema_of(sub, 0, v);
	assert_string_equal(v, "4");
	schema_set(sub, "5");
	zc_index *idx = NULL;
	/* refused with its own code, which the caller says (the library prints nothing) */
	assert_int_equal(zc_index_open(sub, 0, &idx), ZC_ESCHEMA);
	assert_null(idx);
	assert_int_equal(zc_index_open(sub, ZC_INDEX_RDONLY, &idx), ZC_ESCHEMA);
	assert_null(idx);
	assert_non_null(strstr(zc_strerror(ZC_ESCHEMA), "upgrade zhengce"));
}

/* a filtered decision read: the record when it holds the field, else not found; the same for
   a record of schema 2 (JSON text) */
static int decisions_rw(zc_txn *t, void *arg)
{
	int *r = arg;
	zc_decision d;
	int rc = put_decision(t, 7, "included", "excluded", "duplicate", 0);
	unsigned char k[8];
	zc_u64_key(9, k);
	static const char old[] = "{\"decision\":\"excluded\",\"reason\":\"duplicate\",\"file_code\":4}";
	if (rc != ZC_OK || (rc = zc_tx_put(t, ZC_T_DECISIONS, k, 8, old, sizeof old - 1)) != ZC_OK)
		return rc;
	/* read: the fields of the record; not read: every field empty */
	r[0] = zc_tx_decision_get_if(t, 7, "reason", "duplicate", &d);
	r[1] = !strcmp(d.decision, "excluded") && !strcmp(d.criteria.decision, "included");
	zc_decision_clear(&d);
	r[2] = zc_tx_decision_get_if(t, 7, "decision", "included", &d);	/* only the criteria's */
	r[3] = *d.reason != '\0';
	zc_decision_clear(&d);
	r[4] = zc_tx_decision_get_if(t, 7, "file_code", NULL, &d);
	r[5] = *d.reason != '\0';
	zc_decision_clear(&d);
	r[6] = zc_tx_decision_get_if(t, 8, "reason", "duplicate", &d);
	r[7] = *d.reason != '\0';
	zc_decision_clear(&d);
	r[8] = zc_tx_decision_get_if(t, 9, "file_code", NULL, &d);
	r[9] = d.file_code == 4;
	zc_decision_clear(&d);
	r[10] = zc_tx_decision_get_if(t, 9, "reason", "included", &d);
	r[11] = *d.reason != '\0';
	zc_decision_clear(&d);
	r[12] = zc_tx_decision_get_if(t, 7, "reason", "included", &d);
	r[13] = *d.reason != '\0';
	zc_decision_clear(&d);
	return ZC_OK;
}

static void test_decision_get_if(void **state)
{
	(void)state;
	zc_index *idx;
	int r[14];
	assert_int_equal(zc_index_open(dir, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, decisions_rw, r), 0);
	assert_int_equal(r[0], ZC_OK);
	assert_true(r[1]);
	/* a prefilter, not a test of the field: "included" appears, inside criteria; the caller
	   still reads the field it needs */
	assert_int_equal(r[2], ZC_OK);
	assert_true(r[3]);
	assert_int_equal(r[4], ZC_ENOTFOUND);
	assert_false(r[5]);
	assert_int_equal(r[6], ZC_ENOTFOUND);	/* no record under id 8 */
	assert_false(r[7]);
	assert_int_equal(r[8], ZC_OK);	/* schema 2's JSON */
	assert_true(r[9]);
	assert_int_equal(r[10], ZC_ENOTFOUND);
	assert_false(r[11]);
	assert_int_equal(r[12], ZC_ENOTFOUND);	/* the key with another value */
	assert_false(r[13]);
	zc_index_close(&idx);
}

/* keyword search finds a page whose pairs are queued, merged, or both, and reports it once */
typedef struct kw_ctx {
	const char *url, *title, *body, *word;
	uint64_t ids[1024];	/* the ids the search reported, in its order */
	size_t n;
} kw_ctx;

static int store_doc(zc_txn *t, void *arg)
{
	kw_ctx *k = arg;
	json_t *p = json_pack("{s:{s:s,s:s}}", "doc", "title", k->title, "body", k->body);
	uint64_t id;
	int is_new;
	int rc = store_json(t, k->url, p, &id, &is_new);
	json_decref(p);
	return rc;
}

static int found(uint64_t id, void *arg)
{
	kw_ctx *k = arg;
	if (k->n < sizeof k->ids / sizeof *k->ids)
		k->ids[k->n++] = id;
	return 0;
}

static int find_txn(zc_txn *t, void *arg)
{
	kw_ctx *k = arg;
	k->n = 0;
	return zc_tx_pairs_find(t, k->word, found, k);
}

static int queued(zc_txn *t, void *arg)
{
	return zc_tx_count(t, ZC_T_PAIRQ, arg);
}

static void test_pairs(void **state)
{
	(void)state;
	zc_index *idx;
	uint64_t q;
	assert_int_equal(zc_index_open(dir, 0, &idx), 0);
	kw_ctx a = {"https://b.gov.cn/a.html", "关于推进医联体建设的通知", "各地要推动优质医疗资源下沉。", NULL, {0}, 0};
	kw_ctx b = {"https://b.gov.cn/b.html", "关于印发专科联盟方案的通知", "建设区域医疗中心。", NULL, {0}, 0};
	assert_int_equal(zc_index_write(idx, store_doc, &a), 0);
	assert_int_equal(zc_index_write(idx, store_doc, &b), 0);
	kw_ctx f = {.word = "医联体"};
	/* queued only */
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 1);
	f.word = "医疗";	/* both pages */
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 2);
	/* merged: the queue is empty and the answers are the same */
	assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
	assert_int_equal(zc_index_read(idx, queued, &q), 0);
	assert_int_equal(q, 0);
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 2);
	f.word = "医联体";
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 1);
	uint64_t id_a = f.ids[0];
	/* page a changes: its new text is queued, its old pairs stay in grams; found once */
	a.body = "医联体内检查结果互认，专科共建。";	/* 专科: b's, whose id is higher */
	assert_int_equal(zc_index_write(idx, store_doc, &a), 0);
	assert_int_equal(zc_index_read(idx, queued, &q), 0);
	assert_int_equal(q, 1);
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.ids[0], id_a);
	f.word = "互认";	/* only in the queued text */
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.ids[0], id_a);
	/* merged among b's postings, below b's id: found on both pages */
	f.word = "专科";
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 2);
	f.word = "不存在的词";
	assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
	assert_int_equal(f.n, 0);
	zc_index_close(&idx);
}

/* A merge killed at random moments (SIGKILL) leaves every page findable exactly once, and the
   next merge finishes the queue.  Each page has a word of two characters no other page has. */
#define KP_PAGES 2000
#define KP_KILLS 12

static size_t put_cjk(unsigned cp, char *o)
{
	o[0] = (char)(0xE0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

static void marker(long i, char out[7])
{
	put_cjk(0x7000 + (unsigned)(i / 64), out);
	put_cjk(0x7800 + (unsigned)(i % 64), out + 3);
	out[6] = '\0';
}

typedef struct kp_ctx {
	long from, to;
	unsigned seed;
} kp_ctx;

static int kp_store(zc_txn *t, void *arg)
{
	kp_ctx *k = arg;
	int rc = ZC_OK;
	for (long i = k->from; i < k->to && rc == ZC_OK; i++) {
		char body[400 * 3 + 8], url[64], title[16];
		size_t n = 0;
		for (int c = 0; c < 400; c++) {
			k->seed = k->seed * 1103515245u + 12345u;
			n += put_cjk(0x4E00 + (k->seed >> 8) % 3584, body + n);
		}
		body[n] = '\0';
		marker(i, title);
		snprintf(url, sizeof url, "https://c.gov.cn/%ld.html", i);
		json_t *p = json_pack("{s:{s:s,s:s}}", "doc", "title", title, "body", body);
		uint64_t id;
		int is_new;
		rc = store_json(t, url, p, &id, &is_new);
		json_decref(p);
	}
	return rc;
}

/* how many pages each sampled marker finds (should be 1, and the page of that marker) */
typedef struct kp_check {
	long bad;
} kp_check;

static int kp_check_txn(zc_txn *t, void *arg)
{
	kp_check *c = arg;
	for (long i = 0; i < KP_PAGES; i += 7) {
		kw_ctx f = {0};
		char w[7];
		marker(i, w);
		f.word = w;
		int rc = zc_tx_pairs_find(t, w, found, &f);
		if (rc != ZC_OK || f.n != 1 || f.ids[0] != (uint64_t)i + 1)
			c->bad++;
	}
	return ZC_OK;
}

static double secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a new corpus in d: KP_PAGES pages as kp_store writes them, in transactions of 100 */
static void kp_fill(const char *d)
{
	zc_index *idx;
	assert_int_equal(zc_index_open(d, 0, &idx), 0);
	kp_ctx k = {0, 0, 7};
	for (long i = 0; i < KP_PAGES; i += 100) {
		k.from = i;
		k.to = i + 100;
		assert_int_equal(zc_index_write(idx, kp_store, &k), 0);
	}
	zc_index_close(&idx);
}

/* a merge of the corpus in d run to its end; the seconds it took, from its open (as a killed
   merge's child does) to its close */
static double merge_whole(const char *d)
{
	zc_index *idx;
	double t0 = secs();
	assert_int_equal(zc_index_open(d, 0, &idx), 0);
	assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
	zc_index_close(&idx);
	return secs() - t0;
}

/* a merge of the corpus in d by a child process, killed at a random moment within the time
   an uninterrupted merge took */
static void merge_killed(const char *d, double took)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		zc_index *ci;
		if (zc_index_open(d, 0, &ci) != ZC_OK)
			_exit(1);
		_exit(zc_index_merge_pairs(ci, NULL) == ZC_OK ? 0 : 1);
	}
	usleep((useconds_t)(took * 1e6 * (rand() % 1000) / 1000.0));
	kill(pid, SIGKILL);
	int st;
	waitpid(pid, &st, 0);
}

/* every page of kp_fill is found by its word exactly once */
static void kp_assert_found(const char *d)
{
	zc_index *idx;
	assert_int_equal(zc_index_open(d, ZC_INDEX_RDONLY, &idx), 0);
	kp_check c = {0};
	assert_int_equal(zc_index_read(idx, kp_check_txn, &c), 0);
	assert_int_equal(c.bad, 0);
	zc_index_close(&idx);
}

/* how many pages wait in the queue of the corpus in d */
static uint64_t queued_in(const char *d)
{
	zc_index *idx;
	uint64_t q;
	assert_int_equal(zc_index_open(d, ZC_INDEX_RDONLY, &idx), 0);
	assert_int_equal(zc_index_read(idx, queued, &q), 0);
	zc_index_close(&idx);
	return q;
}

static void test_pairs_killed(void **state)
{
	(void)state;
	char d0[96], d1[96], d2[96], cmd[512];
	snprintf(d0, sizeof d0, "%s/queued", dir);
	snprintf(d1, sizeof d1, "%s/killed", dir);
	snprintf(d2, sizeof d2, "%s/timed", dir);
	kp_fill(d1);
	uint64_t queued0 = queued_in(d1);
	assert_int_equal(queued0, KP_PAGES);
	/* how long an uninterrupted merge takes here, on a copy; another copy keeps the whole
	   queue, to start again from when a merge got to the end between two kills (the kills
	   would otherwise land on an empty queue from then on and test nothing) */
	snprintf(cmd, sizeof cmd, "cp -r %s %s && cp -r %s %s", d1, d2, d1, d0);
	assert_int_equal(system(cmd), 0);
	double took = merge_whole(d2);
	int partial = 0;
	srand(11);
	for (int kill_no = 0; kill_no < KP_KILLS; kill_no++) {
		merge_killed(d1, took);
		kp_assert_found(d1);
		uint64_t q = queued_in(d1);
		if (q > 0 && q < queued0)
			partial++;
		if (q == 0) {
			snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s %s", d1, d0, d1);
			assert_int_equal(system(cmd), 0);
		}
	}
	/* the kills must have landed inside merges, or this tested nothing */
	print_message("merge of %d pages: %.2f s; %d of %d kills left it half done\n", KP_PAGES, took, partial, KP_KILLS);
	assert_true(partial >= 2);
	merge_whole(d1);
	kp_assert_found(d1);
	assert_int_equal(queued_in(d1), 0);
}

typedef struct many_ctx {
	long from, to, step;	/* pages from..to-1; every step-th one (0: none) without the word */
} many_ctx;

static int many_store(zc_txn *t, void *arg)
{
	many_ctx *m = arg;
	int rc = ZC_OK;
	for (long i = m->from; i < m->to && rc == ZC_OK; i++) {
		char url[64], title[16], body[64];
		marker(i, title);
		snprintf(url, sizeof url, "https://d.gov.cn/%ld.html", i);
		snprintf(body, sizeof body, "%s", m->step && i % m->step == 0 ? "检查结果互认。" : "推动优质医疗资源下沉。");
		json_t *p = json_pack("{s:{s:s,s:s}}", "doc", "title", title, "body", body);
		uint64_t id;
		int is_new;
		rc = store_json(t, url, p, &id, &is_new);
		json_decref(p);
	}
	return rc;
}

/* One pair on 300 pages: more ids than a chunk holds.  A third of them get the pair later
   (changed pages: their ids fall inside chunks already written, which overflow and split);
   each page is found once, in page order, and merging again changes nothing. */
static void test_pairs_chunks(void **state)
{
	(void)state;
	char sub[96];
	snprintf(sub, sizeof sub, "%s/chunks", dir);
	zc_index *idx;
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	many_ctx m = {0, 300, 3};
	assert_int_equal(zc_index_write(idx, many_store, &m), 0);
	assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
	kw_ctx a = {.word = "医疗资源"};
	assert_int_equal(zc_index_read(idx, find_txn, &a), 0);
	assert_int_equal(a.n, 200);
	for (size_t i = 0; i < a.n; i++)	/* pages 1, 2, 4, 5, 7, ... (ids are 1 + i) */
		assert_int_equal(a.ids[i], i / 2 * 3 + i % 2 + 2);
	m.step = 0;	/* every page has the word now */
	assert_int_equal(zc_index_write(idx, many_store, &m), 0);
	assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(zc_index_read(idx, find_txn, &a), 0);
		assert_int_equal(a.n, 300);
		for (size_t i = 0; i < a.n; i++)
			assert_int_equal(a.ids[i], i + 1);
		/* the same pages queued and merged again: nothing added twice */
		assert_int_equal(zc_index_write(idx, many_store, &m), 0);
		assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
	}
	a.word = "互认";	/* the old text's pairs stay: the query confirms on the text */
	assert_int_equal(zc_index_read(idx, find_txn, &a), 0);
	assert_int_equal(a.n, 100);
	zc_index_close(&idx);
}

/* A corpus of schema 3, made here as that version left it: its merged pairs in grams, one
   LMDB duplicate (page id, u64 big-endian) under the pair's two characters in UTF-8, and no
   postings table.  The corpus in path has its pages stored and queued; their queued pairs
   (first << 32 | second, docs/SCHEMA.md) become grams, as schema 3's merge left them, with a
   key that is no pair at all.  Returns how many postings went in. */
static size_t make_schema3(const char *path)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi q, g, post, meta;
	MDB_cursor *c;
	MDB_val k, v;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 64), 0);
	assert_int_equal(mdb_env_set_mapsize(env, (size_t)1 << 30), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "pairq", 0, &q), 0);
	assert_int_equal(mdb_dbi_open(txn, "grams", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &g), 0);
	assert_int_equal(mdb_cursor_open(txn, q, &c), 0);
	size_t postings = 0;
	for (int op = MDB_FIRST; mdb_cursor_get(c, &k, &v, op) == 0; op = MDB_NEXT) {
		for (size_t i = 0; i < v.mv_size / 8; i++, postings++) {
			uint64_t pair;
			char kb[6];
			memcpy(&pair, (char *)v.mv_data + i * 8, 8);
			unsigned a = (unsigned)(pair >> 32), b = (unsigned)(pair & 0xFFFFFFFFu);
			/* the tests' texts are Chinese: three bytes a character */
			assert_true(a >= 0x800 && a < 0x10000 && b >= 0x800 && b < 0x10000);
			put_cjk(a, kb);
			put_cjk(b, kb + 3);
			MDB_val gk = {6, kb}, gv = {8, k.mv_data};	/* the page id, as pairq's key has it */
			assert_int_equal(mdb_put(txn, g, &gk, &gv, MDB_NODUPDATA), 0);
		}
	}
	mdb_cursor_close(c);
	MDB_val bad = {2, "\xff\xfe"}, one = {8, "\0\0\0\0\0\0\0\1"};
	assert_int_equal(mdb_put(txn, g, &bad, &one, 0), 0);
	assert_int_equal(mdb_drop(txn, q, 0), 0);
	assert_int_equal(mdb_dbi_open(txn, "postings", 0, &post), 0);
	assert_int_equal(mdb_drop(txn, post, 1), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	MDB_val sk = {6, "schema"}, sv = {1, "3"};
	assert_int_equal(mdb_put(txn, meta, &sk, &sv, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	return postings;
}

/* grams left in path: -1 when the table is gone; and the corpus's schema */
static long grams_left(const char *path, char *schema)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi g, meta;
	MDB_stat st;
	long n = -1;
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 64), 0);
	assert_int_equal(mdb_env_open(env, path, MDB_RDONLY, 0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	if (mdb_dbi_open(txn, "grams", 0, &g) == 0 && mdb_stat(txn, g, &st) == 0)
		n = (long)st.ms_entries;
	MDB_val sk = {6, "schema"}, sv;
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	assert_int_equal(mdb_get(txn, meta, &sk, &sv), 0);
	*schema = *(char *)sv.mv_data;
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return n;
}

/* Searches read a corpus of schema 3; the next merge moves its grams into postings and drops
   it, and the same pages are found.  700 pages share the pairs of 医疗资源: more ids than a
   page of LMDB duplicates holds, so the move reads them a page at a time. */
static void test_pairs_schema3(void **state)
{
	(void)state;
	char sub[96], path[128], schema;
	snprintf(sub, sizeof sub, "%s/schema3", dir);
	snprintf(path, sizeof path, "%s/corpus", sub);
	zc_index *idx;
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	kw_ctx a = {"https://e.gov.cn/a.html", "关于推进医联体建设的通知", "各地要推动优质医疗资源下沉。", NULL, {0}, 0};
	kw_ctx b = {"https://e.gov.cn/b.html", "关于印发专科联盟方案的通知", "建设区域医疗中心。", NULL, {0}, 0};
	assert_int_equal(zc_index_write(idx, store_doc, &a), 0);
	assert_int_equal(zc_index_write(idx, store_doc, &b), 0);
	many_ctx m = {0, 700, 0};
	assert_int_equal(zc_index_write(idx, many_store, &m), 0);
	zc_index_close(&idx);
	assert_true(make_schema3(path) > 700 * 8);
	const char *words[] = {"医联体", "医疗", "区域医疗", "不存在的词", "医疗资源"};
	const size_t hits[] = {1, 702, 1, 0, 701};
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: read-only, as schema 3 left it; pass 1: after a merge */
		assert_int_equal(zc_index_open(sub, pass ? 0 : ZC_INDEX_RDONLY, &idx), 0);
		if (pass)
			assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
		for (int w = 0; w < 5; w++) {
			kw_ctx f = {.word = words[w]};
			assert_int_equal(zc_index_read(idx, find_txn, &f), 0);
			assert_int_equal(f.n, hits[w]);
			if (w == 1)	/* every page, in page order */
				for (size_t i = 0; i < f.n; i++)
					assert_int_equal(f.ids[i], i + 1);
		}
		zc_index_close(&idx);
		/* a reader changes nothing; the merge leaves no grams and marks the corpus 4 */
		long left = grams_left(path, &schema);
		if (pass) {
			assert_int_equal(left, -1);
			assert_int_equal(schema, '4');
		} else {
			assert_true(left > 20);
			assert_int_equal(schema, '3');
		}
	}
}

/* The move of schema 3's grams killed at random moments (SIGKILL): after each kill every page
   is found by its word exactly once, read-only, from whichever of the two holds its pairs, and
   the next merge finishes the move. */
static void test_pairs_schema3_killed(void **state)
{
	(void)state;
	char d0[96], d1[96], p1[128], cmd[512], schema;
	snprintf(d0, sizeof d0, "%s/s3whole", dir);
	snprintf(d1, sizeof d1, "%s/s3killed", dir);
	snprintf(p1, sizeof p1, "%s/corpus", d1);
	kp_fill(d1);
	make_schema3(p1);
	long whole = grams_left(p1, &schema);
	assert_true(whole > 100000 && schema == '3');
	snprintf(cmd, sizeof cmd, "cp -r %s %s", d1, d0);
	assert_int_equal(system(cmd), 0);
	double took = merge_whole(d1);
	assert_int_equal(grams_left(p1, &schema), -1);
	int partial = 0;
	srand(13);
	for (int kill_no = 0; kill_no < KP_KILLS; kill_no++) {
		snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s %s", d1, d0, d1);
		assert_int_equal(system(cmd), 0);
		merge_killed(d1, took);
		long left = grams_left(p1, &schema);
		if (left > 0 && left < whole)
			partial++;
		kp_assert_found(d1);
	}
	print_message("move of %ld grams: %.2f s; %d of %d kills left it half done\n", whole, took, partial, KP_KILLS);
	assert_true(partial >= 2);
	merge_whole(d1);
	kp_assert_found(d1);
	assert_int_equal(grams_left(p1, &schema), -1);
	assert_int_equal(schema, '4');
}

static void test_lock(void **state)
{
	(void)state;
	int fd1, fd2;
	long holder;
	assert_int_equal(zc_index_lock_crawl(dir, &fd1, &holder), 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* another process: the lock is held */
		_exit(zc_index_lock_crawl(dir, &fd2, &holder) == ZC_ELOCKED && holder == (long)getppid() ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	assert_int_equal(WEXITSTATUS(st), 0);
	zc_index_unlock_crawl(&fd1);
	assert_int_equal(zc_index_lock_crawl(dir, &fd2, &holder), 0);
	zc_index_unlock_crawl(&fd2);
}

/* a reader that comes while the first crawl creates the corpus finds no corpus yet: the
   directory made, the database file not there or shorter than its two meta pages */
static void test_open_while_created(void **state)
{
	(void)state;
	char d[96], path[160];
	zc_index *idx = NULL;
	snprintf(d, sizeof d, "%s/being-created", dir);
	snprintf(path, sizeof path, "%s/corpus", d);
	assert_int_equal(zc_index_open(d, ZC_INDEX_RDONLY, &idx), ZC_ENOTFOUND);	/* nothing */
	mkdir(d, 0755);
	mkdir(path, 0755);
	assert_int_equal(zc_index_open(d, ZC_INDEX_RDONLY, &idx), ZC_ENOTFOUND);	/* no file */
	snprintf(path, sizeof path, "%s/corpus/data.mdb", d);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite("\0\0\0\0", 1, 4, f), 4);	/* part of the first meta page */
	fclose(f);
	assert_int_equal(zc_index_open(d, ZC_INDEX_RDONLY, &idx), ZC_ENOTFOUND);
	assert_null(idx);
	/* once the writer has made it, it opens (the part above was only this test's) */
	unlink(path);
	assert_int_equal(zc_index_open(d, 0, &idx), 0);
	zc_index_close(&idx);
	assert_int_equal(zc_index_open(d, ZC_INDEX_RDONLY, &idx), 0);
	zc_index_close(&idx);
}

/*
 * Queries: five documents, their decisions and the jurisdiction-year index as a selection
 * writes them; each filter must give exactly the documents a researcher would pick by hand,
 * whether it reaches them through an index (keyword, jurisdiction) or by reading every page.
 */
static const struct qdoc {
	const char *url, *juris, *date, *type, *issuer, *title, *body, *decision;
} QDOCS[] = {
	{"https://a/1", "33", "2017-05-02", "意见", "浙江省人民政府办公厅", "关于推进医疗联合体建设的意见", "组建城市医疗集团。", "included"},
	{"https://a/2", "33", "2019-03-11", "通知", "浙江省卫生健康委员会", "关于开展对口支援的通知", "城乡医院对口帮扶。", "included"},
	{"https://a/3", "33", "2017-08-20", "通知", "浙江省卫生健康委员会", "关于医疗集团的解读", "医疗集团是什么。", "excluded"},
	{"https://a/4", "00", "2017-04-23", "意见", "国务院办公厅", "关于推进医疗联合体建设和发展的指导意见", "医联体。", "included"},
	{"https://a/5", "62", "2021-01-05", "方案", "甘肃省卫生健康委员会", "专科联盟建设方案", "组建专科联盟。", "included"},
};
#define NQ (sizeof QDOCS / sizeof QDOCS[0])

static int put_qdocs(zc_txn *t, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < NQ; i++) {
		const struct qdoc *d = &QDOCS[i];
		json_t *p = json_pack("{s:s,s:{s:s,s:s,s:s,s:[s],s:s}}", "jurisdiction", d->juris, "doc", "title", d->title,
				      "written_date", d->date, "type", d->type, "issuers", d->issuer, "body", d->body);
		uint64_t id;
		int is_new, rc = store_json(t, d->url, p, &id, &is_new);
		json_decref(p);
		zc_decision dec;
		zc_decision_init(&dec);
		dec.criteria.decision = "";
		dec.decision = d->decision;
		dec.reason = strcmp(d->decision, "included") ? "interpretation" : "";
		dec.jurisdiction = d->juris;
		/* codes against the pages' order, so that the rows' order is not the ids' */
		dec.file_code = strcmp(d->decision, "included") ? 0 : (long)(NQ - i);
		if (rc == ZC_OK)
			rc = zc_tx_decision_put(t, id, &dec);
		if (rc == ZC_OK && !strcmp(d->decision, "included")) {
			unsigned char k[14];
			memcpy(k, d->juris, 2);
			memcpy(k + 2, d->date, 4);
			zc_u64_key(id, k + 6);
			rc = zc_tx_put(t, ZC_T_JY, k, sizeof k, "", 0);
		}
		if (rc != ZC_OK)
			return rc;
	}
	return ZC_OK;
}

static int collect(const zc_page *page, void *arg)
{
	char *got = arg;
	uint64_t id = page->id;
	size_t n = strlen(got);
	got[n] = (char)('0' + id);
	got[n + 1] = '\0';
	return 0;
}

/* the ids (1-5, in the order the walk gave them, sorted) a query gives */
static const char *run_query(zc_index *idx, zc_query q)
{
	static char got[16];
	got[0] = '\0';
	assert_int_equal(zc_index_query(idx, &q, collect, got), ZC_OK);
	size_t n = strlen(got);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && got[j - 1] > got[j]; j--) {
			char c = got[j];
			got[j] = got[j - 1];
			got[j - 1] = c;
		}
	return got;
}

static int stop_at_first(const zc_page *page, void *arg)
{
	(void)page;
	++*(int *)arg;
	return 42;
}

/* each page's body as fn got it: B for text, E for "" */
static int body_seen(const zc_page *page, void *arg)
{
	const char *b = page->doc.body;
	size_t used = strlen(arg);
	((char *)arg)[used] = *b ? 'B' : 'E';	/* the caller's buffer has room for every page */
	((char *)arg)[used + 1] = '\0';
	return 0;
}

static const char *bodies(zc_index *idx, zc_query q)
{
	static char got[16];
	got[0] = '\0';
	assert_int_equal(zc_index_query(idx, &q, body_seen, got), ZC_OK);
	return got;
}

static int read_page1(zc_txn *t, void *arg)
{
	zc_page *pages = arg;
	int rc = zc_tx_page_read(t, 1, 0, &pages[0]);
	if (rc == ZC_OK)
		rc = zc_tx_page_read(t, 1, ZC_PAGE_BODY, &pages[1]);
	return rc;
}

/* page 6: a copy, which the criteria included and deduplication excluded; page 7: stored
   after the last selection, not decided */
static int put_undecided(zc_txn *t, void *arg)
{
	(void)arg;
	const char *urls[2] = {"https://a/6", "https://a/7"};
	for (int i = 0; i < 2; i++) {
		json_t *p = json_pack("{s:s,s:{s:s,s:s,s:s,s:[s],s:s}}", "jurisdiction", "33", "doc", "title", "关于推进医疗联合体建设的意见",
				      "written_date", "2017-05-02", "type", "意见", "issuers", "浙江省人民政府办公厅", "body", "组建城市医疗集团。");
		uint64_t id;
		int is_new, rc = store_json(t, urls[i], p, &id, &is_new);
		json_decref(p);
		if (rc != ZC_OK)
			return rc;
		if (i == 0) {
			rc = put_decision(t, id, "included", "excluded", "duplicate", 0);
			if (rc != ZC_OK)
				return rc;
		}
	}
	return ZC_OK;
}

/* the ids in the order the walk gave them */
static const char *walk_order(zc_index *idx, zc_query q)
{
	static char got[16];
	got[0] = '\0';
	assert_int_equal(zc_index_query(idx, &q, collect, got), ZC_OK);
	return got;
}

/* every query, its pages read where they lie (spill_min SIZE_MAX) or through a spill (0): the
   same pages, the same order, the same fields */
static void query_checks(const char *name, size_t spill_min)
{
	char sub[96];
	snprintf(sub, sizeof sub, "%s/%s", dir, name);
	size_t was = zc_spill_min;
	zc_spill_min = spill_min;
	zc_index *idx;
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	assert_int_equal(zc_index_write(idx, put_qdocs, NULL), 0);
	/* the rows' order: national first, then the provinces by code; within one, page order */
	assert_string_equal(walk_order(idx, (zc_query){.which = ZC_Q_ALL}), "42135");
	assert_string_equal(walk_order(idx, (zc_query){.which = ZC_Q_ALL, .body = 1}), "42135");
	assert_string_equal(walk_order(idx, (zc_query){.keyword = "医疗,联盟"}), "415");
	assert_string_equal(run_query(idx, (zc_query){0}), "1245");
	assert_string_equal(run_query(idx, (zc_query){.which = ZC_Q_ALL}), "12345");
	assert_string_equal(run_query(idx, (zc_query){.which = ZC_Q_EXCLUDED}), "3");
	/* through the jurisdiction-year index */
	assert_string_equal(run_query(idx, (zc_query){.jurisdiction = "33"}), "12");
	assert_string_equal(run_query(idx, (zc_query){.jurisdiction = "33", .y1 = 2017, .y2 = 2017}), "1");
	assert_string_equal(run_query(idx, (zc_query){.jurisdiction = "33", .y1 = 2018, .y2 = 2021}), "2");
	/* a jurisdiction's excluded documents are not in that index: every page is read */
	assert_string_equal(run_query(idx, (zc_query){.jurisdiction = "33", .which = ZC_Q_ALL}), "123");
	/* years without a jurisdiction */
	assert_string_equal(run_query(idx, (zc_query){.y1 = 2017, .y2 = 2017}), "14");
	/* through the character-pair index; the pairs of the title and of the body */
	assert_string_equal(run_query(idx, (zc_query){.keyword = "医疗集团"}), "1");
	assert_string_equal(run_query(idx, (zc_query){.keyword = "医疗集团", .which = ZC_Q_ALL}), "13");
	assert_string_equal(run_query(idx, (zc_query){.keyword = "联盟"}), "5");
	assert_string_equal(run_query(idx, (zc_query){.keyword = "医疗联合体", .jurisdiction = "00"}), "4");
	assert_string_equal(run_query(idx, (zc_query){.keyword = "卫生院"}), "");
	/* one character has no pair: every page is read */
	assert_string_equal(run_query(idx, (zc_query){.keyword = "盟"}), "5");
	assert_string_equal(run_query(idx, (zc_query){.issuer = "卫生健康委员会"}), "25");
	assert_string_equal(run_query(idx, (zc_query){.type = "意见"}), "14");
	assert_string_equal(run_query(idx, (zc_query){.type = "意", .which = ZC_Q_ALL}), "");	/* exactly */
	/* lists: a page matches one item of a field (OR), every field (AND) */
	assert_string_equal(run_query(idx, (zc_query){.jurisdiction = "33,62"}), "125");
	assert_string_equal(run_query(idx, (zc_query){.jurisdiction = "62,00"}), "45");
	assert_string_equal(run_query(idx, (zc_query){.jurisdiction = "33,62", .y1 = 2017, .y2 = 2017}), "1");
	assert_string_equal(run_query(idx, (zc_query){.jurisdiction = "33,00", .which = ZC_Q_ALL}), "1234");
	assert_string_equal(run_query(idx, (zc_query){.keyword = "医疗集团,联盟"}), "15");
	assert_string_equal(run_query(idx, (zc_query){.keyword = "医疗集团,联盟", .which = ZC_Q_ALL}), "135");
	assert_string_equal(run_query(idx, (zc_query){.keyword = "医疗集团,联盟", .jurisdiction = "62"}), "5");
	assert_string_equal(run_query(idx, (zc_query){.type = "意见,方案"}), "145");
	assert_string_equal(run_query(idx, (zc_query){.type = "意见,意"}), "14");
	assert_string_equal(run_query(idx, (zc_query){.issuer = "国务院,甘肃"}), "45");
	/* the callback stops each kind of walk, and its value comes back */
	int calls = 0;
	assert_int_equal(zc_index_query(idx, &(zc_query){0}, stop_at_first, &calls), 42);
	assert_int_equal(zc_index_query(idx, &(zc_query){.jurisdiction = "33"}, stop_at_first, &calls), 42);
	assert_int_equal(zc_index_query(idx, &(zc_query){.keyword = "医疗"}, stop_at_first, &calls), 42);
	assert_int_equal(calls, 3);
	/* the text is read when the caller asks for it (or a keyword needs it), by every kind of
	   walk; the rest of the page is the same either way */
	assert_string_equal(bodies(idx, (zc_query){0}), "EEEE");
	assert_string_equal(bodies(idx, (zc_query){.body = 1}), "BBBB");
	assert_string_equal(bodies(idx, (zc_query){.which = ZC_Q_ALL}), "EEEEE");
	assert_string_equal(bodies(idx, (zc_query){.which = ZC_Q_ALL, .body = 1}), "BBBBB");
	assert_string_equal(bodies(idx, (zc_query){.jurisdiction = "33"}), "EE");
	assert_string_equal(bodies(idx, (zc_query){.keyword = "医疗集团"}), "B");
	zc_page p1[2];
	assert_int_equal(zc_index_read(idx, read_page1, p1), ZC_OK);
	assert_string_equal(p1[0].doc.body, "");
	assert_true(strlen(p1[1].doc.body) > 0);
	/* the rest the same: the fields, the decision; read in place without the body (nothing to
	   write back), through jansson with it */
	assert_null(p1[0].own_);
	assert_non_null(p1[1].own_);
	assert_string_equal(p1[0].doc.title, p1[1].doc.title);
	assert_string_equal(p1[0].doc.written_date, p1[1].doc.written_date);
	assert_string_equal(p1[0].jurisdiction, p1[1].jurisdiction);
	assert_int_equal(p1[0].doc.n_issuers, 1);
	assert_string_equal(p1[0].doc.issuers[0], p1[1].doc.issuers[0]);
	assert_int_equal(p1[0].id, p1[1].id);
	assert_string_equal(p1[0].dec.decision, "included");
	assert_string_equal(p1[0].dec.decision, p1[1].dec.decision);
	assert_string_equal(p1[0].dec.criteria.decision, p1[1].dec.criteria.decision);
	assert_true(zc_decision_present(&p1[0].dec) && zc_decision_present(&p1[1].dec));
	zc_page_clear(&p1[0]);
	zc_page_clear(&p1[1]);
	/* the included documents, found from the decision records: not a copy whose criteria said
	   included, nor a page no selection has decided */
	assert_int_equal(zc_index_write(idx, put_undecided, NULL), 0);
	assert_string_equal(run_query(idx, (zc_query){0}), "1245");
	assert_string_equal(run_query(idx, (zc_query){.type = "意见"}), "14");
	assert_string_equal(run_query(idx, (zc_query){.which = ZC_Q_ALL, .type = "意见"}), "1467");
	assert_string_equal(run_query(idx, (zc_query){.which = ZC_Q_EXCLUDED, .type = "意见"}), "67");
	assert_string_equal(walk_order(idx, (zc_query){.which = ZC_Q_ALL}), "4213567");
	zc_index_close(&idx);
	zc_spill_min = was;
}

static void test_query(void **state)
{
	(void)state;
	query_checks("query", SIZE_MAX);
	query_checks("query-spilled", 0);
	/* no temporary file can be made: the pages are read where they lie, the same */
	const char *tmp = getenv("TMPDIR");
	char *old = tmp ? strdup(tmp) : NULL;
	setenv("TMPDIR", "/nonexistent/zhengce-test", 1);
	query_checks("query-no-spill", 0);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
}

/*
 * A keyword query through the character-pair index gives exactly the pages whose title or
 * body holds the keyword, as strstr() over the test's own copy of every text says: SQ_PAGES
 * pages of random text over a small alphabet of mixed scripts (common and Extension B
 * characters, ASCII letters and digits in both cases, their full-width forms, kana, spaces and
 * punctuation, which have no pairs), some merged into postings, some queued, some changed after
 * their merge (their old pairs stay indexed).  The keywords: pieces cut from the texts, random
 * strings, single characters (no pair: every page is read), strings with no two word
 * characters side by side, and lists of two.
 */
#define SQ_PAGES 600
#define SQ_TITLE 12
#define SQ_BODY 160

static const char *const SQ_ALPHABET[] = {
	"医", "疗", "集", "团", "联", "盟", "\xF0\xA0\x80\x80", "\xF0\xA0\x80\x81", "a", "b", "A", "1", "2",
	"Ａ", "ｂ", "１", "あ", "《", "》", "，", "。", " ", "　", "-",
};
#define SQ_LETTERS (sizeof SQ_ALPHABET / sizeof SQ_ALPHABET[0])

typedef struct sq_text {
	char title[SQ_TITLE * 4 + 1], body[SQ_BODY * 4 + 1];
} sq_text;

typedef struct sq_ctx {
	sq_text *t;		/* the current text of page id i + 1 */
	unsigned seed;
	size_t from, to;
} sq_ctx;

/* the high bits of a linear congruential generator: its low bits repeat after a few steps */
static unsigned sq_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* n random letters of the alphabet; common ones (医疗, ab) more often, so that words of three
   or four letters match some pages and not others */
static void sq_fill(unsigned *seed, size_t n, char *out)
{
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned r = sq_rand(seed) % (SQ_LETTERS + 8);
		const char *l = SQ_ALPHABET[r < SQ_LETTERS ? r : (r - SQ_LETTERS) % 4];
		memcpy(out + at, l, strlen(l));
		at += strlen(l);
	}
	out[at] = '\0';
}

static int sq_store(zc_txn *t, void *arg)
{
	sq_ctx *c = arg;
	for (size_t i = c->from; i < c->to; i++) {
		sq_fill(&c->seed, 1 + sq_rand(&c->seed) % SQ_TITLE, c->t[i].title);
		sq_fill(&c->seed, sq_rand(&c->seed) % SQ_BODY, c->t[i].body);
		char url[48];
		snprintf(url, sizeof url, "https://sq.gov.cn/%zu.html", i);
		json_t *p = json_pack("{s:{s:s,s:s}}", "doc", "title", c->t[i].title, "body", c->t[i].body);
		uint64_t id;
		int is_new, rc = store_json(t, url, p, &id, &is_new);
		json_decref(p);
		if (rc != ZC_OK)
			return rc;
		assert_int_equal(id, i + 1);
	}
	return ZC_OK;
}

static int sq_collect(const zc_page *page, void *arg)
{
	char *hit = arg;
	uint64_t id = page->id;
	assert_true(id >= 1 && id <= SQ_PAGES);
	hit[id - 1]++;
	return 0;
}

/* the query's pages against strstr's; a difference names the keyword and the page */
static long sq_compare(zc_index *idx, const sq_text *t, const char *kw)
{
	char hit[SQ_PAGES] = {0};
	assert_int_equal(zc_index_query(idx, &(zc_query){.keyword = kw, .which = ZC_Q_ALL}, sq_collect, hit), ZC_OK);
	long matched = 0;
	for (size_t i = 0; i < SQ_PAGES; i++) {
		int want = 0;
		for (const char *it = kw;; it++) {	/* a list: one of its items */
			size_t n = strcspn(it, ",");
			char w[64];
			assert_true(n < sizeof w);
			memcpy(w, it, n);
			w[n] = '\0';
			want |= n && (strstr(t[i].title, w) || strstr(t[i].body, w));
			it += n;
			if (!*it)
				break;
		}
		if (hit[i] != want)
			fail_msg("keyword \"%s\": page %zu (title \"%s\", body \"%s\") given %d times, wanted %d", kw, i + 1,
				 t[i].title, t[i].body, hit[i], want);
		matched += want;
	}
	return matched;
}

/* a piece of one of the texts: n letters from a random letter on */
static void sq_piece(unsigned *seed, const sq_text *t, size_t n, char *out)
{
	const sq_text *x = &t[sq_rand(seed) % SQ_PAGES];
	const char *s = sq_rand(seed) % 4 ? x->body : x->title;
	size_t len = strlen(s), at = len ? sq_rand(seed) % len : 0;
	while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
		at--;
	size_t end = at;
	for (size_t k = 0; k < n && s[end]; k++) {
		end++;
		while (((unsigned char)s[end] & 0xC0) == 0x80)
			end++;
	}
	memcpy(out, s + at, end - at);
	out[end - at] = '\0';
}

static void test_query_selective(void **state)
{
	(void)state;
	char sub[96];
	snprintf(sub, sizeof sub, "%s/selective", dir);
	zc_index *idx;
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	sq_text *t = zc_calloc(SQ_PAGES, sizeof *t);
	sq_ctx c = {t, 11, 0, 0};
	/* 400 pages merged into postings; 50 of them changed and 200 new ones, queued */
	for (c.from = 0; c.from < 400; c.from += 100) {
		c.to = c.from + 100;
		assert_int_equal(zc_index_write(idx, sq_store, &c), 0);
	}
	assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
	c.from = 100;
	c.to = 150;
	assert_int_equal(zc_index_write(idx, sq_store, &c), 0);
	c.from = 400;
	c.to = SQ_PAGES;
	assert_int_equal(zc_index_write(idx, sq_store, &c), 0);
	static const char *const fixed[] = {
		"医疗", "医疗集团", "ab", "AB", "Ａｂ", "a1", "\xF0\xA0\x80\x80\xF0\xA0\x80\x81", "医\xF0\xA0\x80\x80",
		"《医", "医》", "《》", "a b", "医。", "医　疗", "疗-集", "医", "a", "《", "１", "あ医",
		"医疗集团联盟医疗", "医疗,ab", "《》,集团", "a,医疗集团",
	};
	long some = 0, none = 0, all = 0;
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		sq_compare(idx, t, fixed[i]);
	unsigned seed = 5;
	char kw[6 * 4 + 1];
	for (int i = 0; i < 400; i++) {
		if (i % 2)
			sq_piece(&seed, t, 1 + sq_rand(&seed) % 6, kw);
		else
			sq_fill(&seed, 1 + sq_rand(&seed) % 6, kw);
		if (!*kw)
			continue;
		long m = sq_compare(idx, t, kw);
		some += m > 0 && m < SQ_PAGES;
		none += m == 0;
		all += m == SQ_PAGES;
	}
	/* the keywords are varied: many match some pages and not others, some match none */
	print_message("selective: %ld keywords match some pages, %ld none, %ld all\n", some, none, all);
	assert_true(some > 150);
	assert_true(none > 20);
	/* and all merged at last, the same again for the pieces */
	assert_int_equal(zc_index_merge_pairs(idx, NULL), 0);
	seed = 5;
	for (int i = 0; i < 100; i++) {
		sq_piece(&seed, t, 2 + sq_rand(&seed) % 4, kw);
		if (*kw)
			assert_true(sq_compare(idx, t, kw) > 0);
	}
	(void)all;
	free(t);
	zc_index_close(&idx);
}

/* pages of files resident in this process (/proc/self/statm, third field) */
static long resident_file_pages(void)
{
	long size, res, shared = -1;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld %ld", &size, &res, &shared) != 3)
			shared = -1;
		fclose(f);
	}
	return shared;
}

static int put_many(zc_txn *t, void *arg)
{
	int *from = arg;
	char body[4200];
	for (int i = *from; i < *from + 500; i++) {
		size_t n = 0;
		while (n < 4000)	/* a text of its own for every page: nothing shared */
			n += (size_t)snprintf(body + n, sizeof body - n, "第%d条医联体%d；", i, (int)n);
		char url[64];
		snprintf(url, sizeof url, "https://a/%d", i);
		json_t *p = json_pack("{s:s,s:{s:s,s:s}}", "jurisdiction", "33", "doc", "title", url, "body", body);
		uint64_t id;
		int is_new, rc = store_json(t, url, p, &id, &is_new);
		json_decref(p);
		if (rc != ZC_OK)
			return rc;
	}
	return ZC_OK;
}

typedef struct walk_mem {
	long base, most;
	int n;
} walk_mem;

static int note_mem(const zc_page *page, void *arg)
{
	(void)page;
	walk_mem *w = arg;
	long now = resident_file_pages() - w->base;
	if (now > w->most)
		w->most = now;
	w->n++;
	return 0;
}

/*
 * A reader walking the whole corpus (export, stats, a query that scans) keeps the mapped
 * database pages it has read from piling up in its resident set: 3,000 pages of 4 KB of text
 * (some 20 MB of database) are walked in at most its budget more than at the start.
 */
static void test_walk_memory(void **state)
{
	(void)state;
	char sub[96], path[160];
	snprintf(sub, sizeof sub, "%s/walk", dir);
	zc_index *idx;
	assert_int_equal(zc_index_open(sub, 0, &idx), 0);
	for (int from = 0; from < 3000; from += 500)
		assert_int_equal(zc_index_write(idx, put_many, &from), 0);
	zc_index_close(&idx);
	struct stat st;
	snprintf(path, sizeof path, "%s/corpus/data.mdb", sub);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 15 << 20);
	assert_int_equal(zc_index_open(sub, ZC_INDEX_RDONLY, &idx), 0);
	long page = sysconf(_SC_PAGESIZE);
	walk_mem w = {resident_file_pages(), 0, 0};
	assert_true(w.base > 0);
	assert_int_equal(zc_index_query(idx, &(zc_query){.which = ZC_Q_ALL}, note_mem, &w), 0);
	assert_int_equal(w.n, 3000);
	print_message("walk of %d pages (%lld MB of database): resident file pages grew by at most %.1f MB\n", w.n,
		      (long long)st.st_size >> 20, w.most * page / 1048576.0);
	assert_true(w.most * page < 10 << 20);	/* a reader's budget is 8 MB (index.h) */
	zc_index_close(&idx);
}

static char *cell(const char *s)
{
	static char out[256];
	zc_buf b;
	zc_buf_init(&b, 256);
	zc_csv_cell(&b, s);
	snprintf(out, sizeof out, "%s", b.data);
	zc_buf_free(&b);
	return out;
}

static void test_csv(void **state)
{
	(void)state;
	assert_string_equal(cell("医联体"), "医联体");
	assert_string_equal(cell("a,b"), "\"a,b\"");
	assert_string_equal(cell("他说\"好\""), "\"他说\"\"好\"\"\"");
	assert_string_equal(cell("第一行\n第二行"), "\"第一行\n第二行\"");
	assert_string_equal(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
	assert_string_equal(cell("+1"), "\"'+1\"");
	assert_string_equal(cell("@SUM(A1)"), "\"'@SUM(A1)\"");
	assert_string_equal(cell("-2"), "\"'-2\"");
}

/* the meta records of a selection, "profile_record", "selection" and "search_keywords", typed (index/selection.h):
   read from the bytes the zhengce before them wrote (MessagePack written here by hand from the
   format's specification, and the JSON of schema 1 and 2), written back to the same bytes; a
   field this zhengce does not know is kept; absent is not found, a value that is no record does
   not read */
#define SHA64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
static const char PROFILE_MP[] = "\x84\xa4" "name" "\xa9" "reference" "\xa6" "sha256" "\xd9\x40" SHA64
				 "\xa8" "criteria" "\xb2" "主题：医联体" "\xa7" "zhengce" "\xa5" "0.9.0";
static const char COUNTS_MP[] = "\x86\xa5" "pages" "\xcd\x01\x2c" "\xa8" "included" "\x78" "\xa8" "national" "\x28"
				"\xaa" "provincial" "\x50" "\xa7" "entries" "\xcd\x03\xe8" "\xa8" "excluded" "\x89"
				"\xa6" "issuer" "\x05" "\xa9" "off-topic" "\x64" "\xa4" "type" "\x03"
				"\xae" "interpretation" "\x02" "\xa9" "forwarded" "\x01" "\xa7" "invalid" "\x04"
				"\xa9" "duplicate" "\x3c" "\xac" "out-of-range" "\x00" "\xab" "unparseable" "\x05";

/* meta name's stored bytes are exactly want[0..n) */
static void assert_meta_bytes(zc_txn *t, const char *name, const char *want, size_t n)
{
	char *v;
	size_t vn;
	assert_int_equal(zc_tx_get(t, ZC_T_META, name, strlen(name), &v, &vn), ZC_OK);
	assert_int_equal(vn, n);
	assert_memory_equal(v, want, n);
	free(v);
}

static void assert_profile(const zc_profile_record *r, const char *criteria)
{
	assert_string_equal(r->name, "reference");
	assert_string_equal(r->sha256, SHA64);
	assert_string_equal(r->criteria, criteria);
	assert_string_equal(r->zhengce, "0.9.0");
}

static int profile_meta_txn(zc_txn *t, void *arg)
{
	(void)arg;
	zc_profile_record r;
	assert_int_equal(zc_tx_profile_record_get(t, &r), ZC_ENOTFOUND);
	assert_string_equal(r.name, "");
	assert_int_equal(zc_tx_put(t, ZC_T_META, "profile_record", 14, PROFILE_MP, sizeof PROFILE_MP - 1), ZC_OK);
	assert_int_equal(zc_tx_profile_record_get(t, &r), ZC_OK);
	assert_profile(&r, "主题：医联体");
	assert_int_equal(zc_tx_profile_put(t, "reference", &r), ZC_OK);	/* read and written back */
	assert_meta_bytes(t, "profile_record", PROFILE_MP, sizeof PROFILE_MP - 1);
	assert_meta_bytes(t, "profile", "reference", 9);
	zc_profile_record_clear(&r);
	zc_profile_record fresh = {"reference", SHA64, "主题：医联体", "0.9.0", NULL};	/* as a selection writes it */
	assert_int_equal(zc_tx_profile_put(t, "reference", &fresh), ZC_OK);
	assert_meta_bytes(t, "profile_record", PROFILE_MP, sizeof PROFILE_MP - 1);
	/* schema 1 and 2: JSON text */
	static const char js[] = "{\"name\":\"reference\",\"sha256\":\"" SHA64 "\",\"criteria\":\"主题：医联体\",\"zhengce\":\"0.9.0\"}";
	assert_int_equal(zc_tx_put(t, ZC_T_META, "profile_record", 14, js, sizeof js - 1), ZC_OK);
	assert_int_equal(zc_tx_profile_record_get(t, &r), ZC_OK);
	assert_profile(&r, "主题：医联体");
	zc_profile_record_clear(&r);
	/* a newer zhengce's field ("note") kept when a field is rewritten */
	static const char newer[] = "\x85\xa4" "name" "\xa9" "reference" "\xa4" "note" "\xa1" "x" "\xa6" "sha256" "\xd9\x40" SHA64
				    "\xa8" "criteria" "\xa1" "c" "\xa7" "zhengce" "\xa5" "0.9.0";
	assert_int_equal(zc_tx_put(t, ZC_T_META, "profile_record", 14, newer, sizeof newer - 1), ZC_OK);
	assert_int_equal(zc_tx_profile_record_get(t, &r), ZC_OK);
	assert_profile(&r, "c");
	r.criteria = "主题";
	assert_int_equal(zc_tx_profile_put(t, "reference", &r), ZC_OK);
	zc_profile_record_clear(&r);
	json_t *o = NULL;
	assert_int_equal(zc_tx_get_json(t, ZC_T_META, "profile_record", &o), ZC_OK);
	assert_string_equal(json_string_value(json_object_get(o, "note")), "x");
	assert_string_equal(json_string_value(json_object_get(o, "criteria")), "主题");
	assert_int_equal(json_object_size(o), 5);
	json_decref(o);
	assert_int_equal(zc_tx_put(t, ZC_T_META, "profile_record", 14, "\x92\x01\x02", 3), ZC_OK);	/* an array */
	assert_int_equal(zc_tx_profile_record_get(t, &r), ZC_EPARSE);
	assert_null(r.own_);
	return ZC_OK;
}

static const size_t COUNTS_EXCLUDED[ZC_NREASONS] = {5, 100, 3, 2, 1, 4, 60, 0, 5};

static void assert_counts(const zc_selection_counts *c)
{
	assert_int_equal(c->pages, 300);
	assert_int_equal(c->included, 120);
	assert_int_equal(c->national, 40);
	assert_int_equal(c->provincial, 80);
	assert_int_equal(c->entries, 1000);
	for (int i = 0; i < ZC_NREASONS; i++)
		assert_int_equal(c->excluded[i], COUNTS_EXCLUDED[i]);
}

static int counts_meta_txn(zc_txn *t, void *arg)
{
	(void)arg;
	zc_selection_counts c;
	assert_int_equal(zc_tx_selection_counts_get(t, &c), ZC_ENOTFOUND);
	assert_int_equal(zc_tx_put(t, ZC_T_META, "selection", 9, COUNTS_MP, sizeof COUNTS_MP - 1), ZC_OK);
	assert_int_equal(zc_tx_selection_counts_get(t, &c), ZC_OK);
	assert_counts(&c);
	assert_int_equal(zc_tx_selection_counts_put(t, &c), ZC_OK);
	assert_meta_bytes(t, "selection", COUNTS_MP, sizeof COUNTS_MP - 1);
	zc_selection_counts_clear(&c);
	zc_selection_counts fresh = {300, 120, 40, 80, 1000, {5, 100, 3, 2, 1, 4, 60, 0, 5}, NULL};
	assert_int_equal(zc_tx_selection_counts_put(t, &fresh), ZC_OK);
	assert_meta_bytes(t, "selection", COUNTS_MP, sizeof COUNTS_MP - 1);
	/* schema 1 and 2; a count that is none (negative, text) reads as 0 */
	static const char js[] = "{\"pages\":300,\"included\":120,\"national\":40,\"provincial\":80,\"entries\":1000,\"excluded\":"
				 "{\"issuer\":5,\"off-topic\":100,\"type\":3,\"interpretation\":2,\"forwarded\":1,\"invalid\":4,"
				 "\"duplicate\":60,\"out-of-range\":-2,\"unparseable\":5,\"withdrawn\":7},\"by\":\"x\"}";
	assert_int_equal(zc_tx_put(t, ZC_T_META, "selection", 9, js, sizeof js - 1), ZC_OK);
	assert_int_equal(zc_tx_selection_counts_get(t, &c), ZC_OK);
	assert_counts(&c);
	/* fields of a newer zhengce kept, at the top and among the reasons */
	c.entries = 1001;
	assert_int_equal(zc_tx_selection_counts_put(t, &c), ZC_OK);
	zc_selection_counts_clear(&c);
	json_t *o = NULL;
	assert_int_equal(zc_tx_get_json(t, ZC_T_META, "selection", &o), ZC_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "entries")), 1001);
	assert_string_equal(json_string_value(json_object_get(o, "by")), "x");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "excluded"), "withdrawn")), 7);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "excluded"), "out-of-range")), 0);
	json_decref(o);
	assert_int_equal(zc_tx_put(t, ZC_T_META, "selection", 9, "\xa3" "abc", 4), ZC_OK);	/* a string */
	assert_int_equal(zc_tx_selection_counts_get(t, &c), ZC_EPARSE);
	assert_int_equal(zc_tx_put(t, ZC_T_META, "selection", 9, "{\"pages\": 3, cut", 16), ZC_OK);
	assert_int_equal(zc_tx_selection_counts_get(t, &c), ZC_EPARSE);
	assert_int_equal(c.pages, 0);
	return ZC_OK;
}

static int keywords_meta_txn(zc_txn *t, void *arg)
{
	(void)arg;
	zc_search_keywords k;
	assert_int_equal(zc_tx_search_keywords_get(t, &k), ZC_ENOTFOUND);
	static const char mp[] = "\x92\xa9" "医联体" "\xac" "分级诊疗";
	static const char *const words[] = {"医联体", "分级诊疗"};
	assert_int_equal(zc_tx_search_keywords_put(t, words, 2), ZC_OK);
	assert_meta_bytes(t, "search_keywords", mp, sizeof mp - 1);
	/* an item that is no string left out (the value came after schema 3: no JSON text form) */
	static const char odd[] = "\x93\xa9" "医联体" "\x07\xac" "分级诊疗";
	assert_int_equal(zc_tx_put(t, ZC_T_META, "search_keywords", 15, odd, sizeof odd - 1), ZC_OK);
	assert_int_equal(zc_tx_search_keywords_get(t, &k), ZC_OK);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.words[0], "医联体");
	assert_string_equal(k.words[1], "分级诊疗");
	zc_search_keywords_clear(&k);
	assert_int_equal(zc_tx_put(t, ZC_T_META, "search_keywords", 15, "\x81\xa1k\xa1v", 5), ZC_OK);	/* a map */
	assert_int_equal(zc_tx_search_keywords_get(t, &k), ZC_EPARSE);
	assert_int_equal(k.n, 0);
	return ZC_OK;
}

/* meta "selection_of": the text the zhengce before it wrote, compared whole */
static int selection_of_txn(zc_txn *t, void *arg)
{
	(void)arg;
	static const char *const canon = "{\"name\":\"r\",\"types\":[\"通知\"]}";
	int same = 1;
	assert_int_equal(zc_tx_selection_of_is(t, "1.2.3", 42, canon, &same), ZC_OK);
	assert_false(same);
	assert_int_equal(zc_tx_meta_put(t, "selection_of", "zhengce 1.2.3|pages 42|{\"name\":\"r\",\"types\":[\"通知\"]}"), ZC_OK);
	assert_int_equal(zc_tx_selection_of_is(t, "1.2.3", 42, canon, &same), ZC_OK);
	assert_true(same);
	assert_int_equal(zc_tx_selection_of_is(t, "1.2.3", 43, canon, &same), ZC_OK);
	assert_false(same);
	assert_int_equal(zc_tx_selection_of_is(t, "1.2.4", 42, canon, &same), ZC_OK);
	assert_false(same);
	assert_int_equal(zc_tx_selection_of_is(t, "1.2.3", 42, "{\"name\":\"r\"}", &same), ZC_OK);
	assert_false(same);
	assert_int_equal(zc_tx_selection_of_is(t, "1.2.3", 42, NULL, &same), ZC_OK);
	assert_false(same);
	assert_int_equal(zc_tx_selection_of_put(t, "1.2.3", 42, canon), ZC_OK);
	char *v = NULL;
	assert_int_equal(zc_tx_meta_get(t, "selection_of", &v), ZC_OK);
	assert_string_equal(v, "zhengce 1.2.3|pages 42|{\"name\":\"r\",\"types\":[\"通知\"]}");
	free(v);
	/* a profile that could not be written out: nothing said, twice */
	assert_int_equal(zc_tx_selection_of_put(t, "1.2.3", 42, NULL), ZC_OK);
	assert_int_equal(zc_tx_meta_get(t, "selection_of", &v), ZC_ENOTFOUND);
	assert_int_equal(zc_tx_selection_of_put(t, "1.2.3", 42, NULL), ZC_OK);
	return ZC_OK;
}

static void test_meta_records(void **state)
{
	(void)state;
	char sub[96];
	snprintf(sub, sizeof sub, "%s/meta", dir);
	zc_index *idx;
	assert_int_equal(zc_index_open(sub, 0, &idx), ZC_OK);
	assert_int_equal(zc_index_write(idx, profile_meta_txn, NULL), ZC_OK);
	assert_int_equal(zc_index_write(idx, counts_meta_txn, NULL), ZC_OK);
	assert_int_equal(zc_index_write(idx, keywords_meta_txn, NULL), ZC_OK);
	assert_int_equal(zc_index_write(idx, selection_of_txn, NULL), ZC_OK);
	zc_index_close(&idx);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(zc_province_code("浙江"), "33");
	assert_string_equal(zc_province_code("浙江省"), "33");
	assert_string_equal(zc_province_code("Zhejiang"), "33");
	assert_string_equal(zc_province_code("zhejiang"), "33");
	assert_string_equal(zc_province_code("33"), "33");
	assert_string_equal(zc_province_code("新疆维吾尔自治区"), "65");
	assert_null(zc_province_code("Atlantis"));
	assert_string_equal(zc_province_name("62"), "甘肃");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index), cmocka_unit_test(test_code_parse), cmocka_unit_test(test_page_record),
		cmocka_unit_test(test_codecs),
		cmocka_unit_test(test_long_keys), cmocka_unit_test(test_long_keys_old), cmocka_unit_test(test_pairs_empty),
		cmocka_unit_test(test_record_parse), cmocka_unit_test(test_record_parse_sequence), cmocka_unit_test(test_rec_fields),
		cmocka_unit_test(test_schema), cmocka_unit_test(test_decision_get_if), cmocka_unit_test(test_meta_records),
		cmocka_unit_test(test_pairs), cmocka_unit_test(test_pairs_killed),
		cmocka_unit_test(test_pairs_chunks), cmocka_unit_test(test_pairs_schema3),
		cmocka_unit_test(test_pairs_schema3_killed),
		cmocka_unit_test(test_lock), cmocka_unit_test(test_open_while_created),
		cmocka_unit_test(test_query), cmocka_unit_test(test_query_selective), cmocka_unit_test(test_walk_memory),
		cmocka_unit_test(test_csv), cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
