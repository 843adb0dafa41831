/*
 * frontier.c - the frontier (frontier.h): per-host FIFO queues of requests under "HOST NUL SEQ"
 * (one sequence for all hosts, meta "frontier_seq"), the run's seen set under "KIND URL BODY",
 * and the request's codec, the one place that names its fields.  A request is written with its
 * fields in the order the crawl has always written them (pages and last on pages after the
 * first, inc when set, last_error once a try failed), so the bytes are those an earlier zhengce
 * wrote; one read and written again keeps the fields this zhengce does not know.
 */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void zc_request_init(zc_request *r)
{
	memset(r, 0, sizeof *r);
	r->kind = r->site = r->url = r->method = r->body = r->kw = r->last_error = "";
}

void zc_request_clear(zc_request *r)
{
	json_decref(r->own_);
	zc_request_init(r);
}

void zc_request_share(zc_request *to, const zc_request *from)
{
	*to = *from;
	json_incref(to->own_);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long num(json_t *o, const char *key)
{
	return (long)json_integer_value(json_object_get(o, key));
}

/* r from the record o, which it then holds */
static void from_json(json_t *o, zc_request *r)
{
	zc_request_init(r);
	r->own_ = o;
	r->kind = str(o, "kind");
	r->site = str(o, "site");
	r->url = str(o, "url");
	r->method = str(o, "method");
	r->body = str(o, "body");
	r->ep = num(o, "ep");
	r->kw = str(o, "kw");
	r->page = num(o, "page");
	r->pages = num(o, "pages");
	r->last = num(o, "last");
	r->inc = json_is_true(json_object_get(o, "inc"));
	r->tries = num(o, "tries");
	r->not_before = json_number_value(json_object_get(o, "not_before"));
	r->redirects = num(o, "redirects");
	r->last_error = str(o, "last_error");
}

int zc_request_decode(const void *v, size_t n, zc_request *out)
{
	json_t *o = zc_record_object(v, n);
	if (!o) {
		zc_request_init(out);
		return ZC_EPARSE;
	}
	from_json(o, out);
	return ZC_OK;
}

static void put_str(json_t *o, const char *key, const char *v, int always)
{
	if (always || (v && *v))
		json_object_set_new(o, key, json_string(v ? v : ""));
	else
		json_object_del(o, key);
}

static void put_int(json_t *o, const char *key, long v, int always)
{
	if (always || v)
		json_object_set_new(o, key, json_integer(v));
	else
		json_object_del(o, key);
}

json_t *zc_request_json(const zc_request *r)
{
	json_t *o = json_is_object(r->own_) ? json_copy(r->own_) : json_object();
	put_str(o, "kind", r->kind, 1);
	put_str(o, "site", r->site, 1);
	put_str(o, "url", r->url, 1);
	put_str(o, "method", r->method, 1);
	put_str(o, "body", r->body, 1);
	put_int(o, "ep", r->ep, 1);
	put_str(o, "kw", r->kw, 1);
	put_int(o, "page", r->page, 1);
	put_int(o, "tries", r->tries, 1);
	json_object_set_new(o, "not_before", json_real(r->not_before));
	put_int(o, "redirects", r->redirects, 1);
	put_int(o, "pages", r->pages, r->page > 1);
	put_int(o, "last", r->last, r->page > 1);
	if (r->inc)
		json_object_set_new(o, "inc", json_true());
	else
		json_object_del(o, "inc");
	put_str(o, "last_error", r->last_error, 0);
	return o;
}

void zc_request_own(zc_request *r)
{
	json_t *old = r->own_;
	from_json(zc_request_json(r), r);
	json_decref(old);
}

/* the request's key in the run's seen set: KIND URL BODY */
static char *seen_key(const zc_request *r)
{
	return zc_asprintf("%s %s %s", r->kind ? r->kind : "", r->url ? r->url : "", r->body ? r->body : "");
}

static size_t frontier_key(const char *host, uint64_t seq, unsigned char *out, size_t cap)
{
	size_t hl = strlen(host);
	if (hl + 9 > cap)
		hl = cap - 9;
	memcpy(out, host, hl);
	out[hl] = '\0';
	zc_u64_key(seq, out + hl + 1);
	return hl + 9;
}

int zc_tx_frontier_push(zc_txn *t, const char *host, const zc_request *req, int *added)
{
	*added = 0;
	char *seen = seen_key(req);
	size_t sl = strlen(seen);
	int rc = zc_tx_get(t, ZC_T_SEEN, seen, sl, NULL, NULL), before = rc == ZC_OK;
	if (rc == ZC_ENOTFOUND)
		rc = zc_tx_put(t, ZC_T_SEEN, seen, sl, "", 0);
	free(seen);
	if (rc != ZC_OK || before)
		return rc;	/* a failure, or queued before in this run */
	/* the next sequence number: one counter for all hosts, in meta */
	char *v = NULL;
	uint64_t seq = 1;
	if (zc_tx_meta_get(t, "frontier_seq", &v) == ZC_OK)
		seq = strtoull(v, NULL, 10) + 1;
	free(v);
	char num[24];
	snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
	if ((rc = zc_tx_meta_put(t, "frontier_seq", num)) != ZC_OK)
		return rc;
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	json_t *o = zc_request_json(req);
	rc = zc_tx_put_record(t, ZC_T_FRONTIER, key, kl, o);
	json_decref(o);
	if (rc == ZC_OK)
		*added = 1;
	/* a push walks three trees (seen, meta, frontier), each page read mapping its neighbours,
	   and one search answer pushes some twenty requests: look at the mapped pages after each */
	zc_index_trim(t->idx);
	return rc;
}

int zc_tx_frontier_peek(zc_txn *t, const char *host, uint64_t after, uint64_t *seq, zc_request *req)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, after + 1, key, sizeof key);
	size_t plen = kl - 8;
	MDB_cursor *c;
	MDB_val k = {kl, key}, v;
	zc_request_init(req);
	int mrc = mdb_cursor_open(t->txn, dbi(t, ZC_T_FRONTIER), &c);
	if (mrc != 0)
		return zc_db_err(mrc);
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	int rc = ZC_ENOTFOUND;
	if (mrc == 0 && k.mv_size == kl && memcmp(k.mv_data, key, plen) == 0) {
		*seq = zc_key_u64((const char *)k.mv_data + plen);
		rc = zc_request_decode(v.mv_data, v.mv_size, req);
	}
	mdb_cursor_close(c);
	return rc;
}

static int count_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	(void)val;
	(void)vlen;
	uint64_t *n = arg;	/* n[0] counted, n[1] cap */
	return ++n[0] >= n[1];
}

uint64_t zc_tx_frontier_count(zc_txn *t, const char *host, uint64_t cap)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, 0, key, sizeof key);
	uint64_t n[2] = {0, cap};
	if (cap && zc_tx_scan(t, ZC_T_FRONTIER, key, kl - 8, count_one, n) != ZC_OK)
		return n[0];	/* as far as it read: a display's count */
	return n[0];
}

int zc_tx_frontier_del(zc_txn *t, const char *host, uint64_t seq)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	return zc_tx_del(t, ZC_T_FRONTIER, key, kl);
}

int zc_tx_frontier_replace(zc_txn *t, const char *host, uint64_t seq, const zc_request *req)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	json_t *o = zc_request_json(req);
	int rc = zc_tx_put_record(t, ZC_T_FRONTIER, key, kl, o);
	json_decref(o);
	return rc;
}

int zc_tx_frontier_total(zc_txn *t, uint64_t *n)
{
	return zc_tx_count(t, ZC_T_FRONTIER, n);
}

int zc_tx_frontier_reset(zc_txn *t)
{
	int rc = zc_tx_clear(t, ZC_T_SEEN);
	return rc == ZC_OK ? zc_tx_clear(t, ZC_T_FRONTIER) : rc;
}
