/* page.c - the page and decision records: their codec, reads, walks and stores. */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

/*
 * A page record (schema 3) is two MessagePack values: the document's body as a string, then
 * the page with doc.body left empty ("").  The body is most of a record; stored first, with
 * its length before it, it is read without the rest (zc_tx_page_body) and skipped by a reader
 * that needs only the rest (export, the query table).
 * Schema 2 stored the page's JSON (body "") a NUL and the body; schema 1 the JSON alone, the
 * body inside.  All three read back the same object, the body in its place.
 */
static int page_encode(json_t *page, zc_buf *out)
{
	json_t *doc = json_object_get(page, "doc");
	json_t *body = json_object_get(doc, "body");
	if (!json_is_string(body))
		return zc_rec_encode_str("", 0, out) == ZC_OK ? zc_rec_encode(page, out) : ZC_EPARSE;
	int rc = zc_rec_encode_str(json_string_value(body), json_string_length(body), out);
	json_incref(body);
	json_object_set_new(doc, "body", json_string(""));
	if (rc == ZC_OK)
		rc = zc_rec_encode(page, out);
	json_object_set_new(doc, "body", body);
	return rc;
}

/* where a page record keeps its body: schema 3, the MessagePack string first and the page
   after it; schema 2, the page's JSON, a NUL, the body.  0 for schema 1 (the body inside the
   JSON, no NUL) and for a record whose first value is not a string. */
typedef struct page_parts {
	const char *body;
	size_t body_len;
	size_t rest, rest_len;	/* the page without its body: offset and length */
	int json;		/* the rest is JSON text (schema 2) */
} page_parts;

static int page_split(const void *v, size_t n, page_parts *p)
{
	if (zc_rec_is_json(v, n)) {
		const char *nul = memchr(v, '\0', n);
		if (!nul)
			return 0;
		p->json = 1;
		p->rest = 0;
		p->rest_len = (size_t)(nul - (const char *)v);
		p->body = nul + 1;
		p->body_len = n - p->rest_len - 1;
		return 1;
	}
	size_t off = 0;
	if (zc_rec_str(v, n, &off, &p->body, &p->body_len) != ZC_OK)
		return 0;
	p->json = 0;
	p->rest = off;
	p->rest_len = n - off;
	return 1;
}

/* a stored page record as the page; without body, doc.body is "" (schema 2 and 3) or as it
   was (a schema-1 record, whose body is in its JSON) */
static json_t *page_parse(const void *v, size_t n, int with_body)
{
	page_parts p;
	if (!page_split(v, n, &p))
		return zc_rec_is_json(v, n) ? json_loadb(v, n, 0, NULL) : NULL;
	json_t *page;
	size_t off = p.rest;
	if (p.json) {
		page = json_loadb((const char *)v + p.rest, p.rest_len, 0, NULL);
	} else if ((page = zc_rec_decode(v, n, &off)) && off != n) {
		json_decref(page);	/* bytes after the page: damaged */
		page = NULL;
	}
	json_t *doc = json_object_get(page, "doc"), *body = NULL;
	if (json_is_object(doc) && (!with_body || (body = zc_json_string(p.body, p.body_len)))) {
		if (body)
			json_object_set_new(doc, "body", body);
		return page;
	}
	json_decref(page);	/* not a page, or its body is not UTF-8: damaged */
	return NULL;
}

json_t *zc_page_parse(const void *v, size_t n)
{
	return page_parse(v, n, 1);
}

/* the record under a u64 key, in place (valid while the transaction lasts) */
static int get_u64(zc_txn *t, enum zc_table tb, uint64_t id, MDB_val *v)
{
	unsigned char k[8];
	MDB_val key = {8, k};
	zc_u64_key(id, k);
	return zc_db_err(mdb_get(t->txn, dbi(t, tb), &key, v));
}

/* a decision record, only when it holds the field key (with value, unless NULL; NULL key: any) */
static json_t *load_decision(zc_txn *t, uint64_t id, const char *key, const char *value, int *rc)
{
	MDB_val v;
	if ((*rc = get_u64(t, ZC_T_DECISIONS, id, &v)) != ZC_OK)
		return NULL;
	if (key && !zc_rec_has(v.mv_data, v.mv_size, key, value)) {
		*rc = ZC_ENOTFOUND;
		return NULL;
	}
	json_t *j = zc_record_parse(v.mv_data, v.mv_size);
	*rc = j ? ZC_OK : ZC_EPARSE;
	return j;
}

/* a page record as the page, with its body or without (page_parse) */
static int load_page(zc_txn *t, uint64_t id, int with_body, json_t **page)
{
	MDB_val v;
	*page = NULL;
	int rc = get_u64(t, ZC_T_PAGES, id, &v);
	if (rc != ZC_OK)
		return rc;
	*page = page_parse(v.mv_data, v.mv_size, with_body);
	return *page ? ZC_OK : ZC_EPARSE;
}

int zc_tx_page_body(zc_txn *t, uint64_t id, json_t **body)
{
	MDB_val v;
	*body = NULL;
	int rc = get_u64(t, ZC_T_PAGES, id, &v);
	if (rc != ZC_OK)
		return rc;
	page_parts p;
	if (page_split(v.mv_data, v.mv_size, &p)) {
		/* the body alone, checked as zc_page_parse checks it */
		*body = zc_json_string(p.body, p.body_len);
	} else {
		json_t *page = page_parse(v.mv_data, v.mv_size, 1);
		*body = json_incref(json_object_get(json_object_get(page, "doc"), "body"));
		json_decref(page);
	}
	if (!json_is_string(*body)) {
		json_decref(*body);
		*body = NULL;
		return ZC_EPARSE;
	}
	return ZC_OK;
}

static void merge_decision(zc_txn *t, uint64_t id, json_t *page)
{
	int rc;
	json_t *d = load_decision(t, id, NULL, NULL, &rc);
	if (d) {
		json_object_update(page, d);
		json_decref(d);
	}
}

int zc_tx_page_read(zc_txn *t, uint64_t id, unsigned flags, json_t **page)
{
	int rc = load_page(t, id, flags & ZC_PAGE_BODY, page);
	if (rc == ZC_OK)
		merge_decision(t, id, *page);
	return rc;
}

int zc_tx_page_get(zc_txn *t, uint64_t id, json_t **page)
{
	return zc_tx_page_read(t, id, ZC_PAGE_BODY, page);
}

int zc_tx_page_record(zc_txn *t, uint64_t id, json_t **page)
{
	return load_page(t, id, 1, page);
}

int zc_tx_decision_get_if(zc_txn *t, uint64_t id, const char *key, const char *value, json_t **decision)
{
	int rc;
	*decision = load_decision(t, id, key, value, &rc);
	return rc;
}

int zc_tx_decision_get(zc_txn *t, uint64_t id, json_t **decision)
{
	return zc_tx_decision_get_if(t, id, NULL, NULL, decision);
}

int zc_tx_decision_put(zc_txn *t, uint64_t id, json_t *decision)
{
	unsigned char k[8];
	zc_u64_key(id, k);
	return zc_tx_put_record(t, ZC_T_DECISIONS, k, 8, decision);
}

int zc_tx_pages_each(zc_txn *t, zc_page_each_fn fn, void *arg)
{
	return zc_tx_pages_walk(t, ZC_PAGE_BODY, fn, arg);
}

int zc_tx_pages_walk(zc_txn *t, unsigned flags, zc_page_each_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	int mrc = mdb_cursor_open(t->txn, dbi(t, ZC_T_PAGES), &c);
	if (mrc != 0)
		return zc_db_err(mrc);
	int rc = ZC_OK;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		json_t *page = page_parse(v.mv_data, v.mv_size, flags & ZC_PAGE_BODY);
		if (!page || k.mv_size != 8) {
			json_decref(page);
			continue;
		}
		merge_decision(t, zc_key_u64(k.mv_data), page);
		int stop = fn(page, arg);
		json_decref(page);
		if (stop) {
			rc = stop;
			break;
		}
		zc_counted_read(t->idx);
	}
	mdb_cursor_close(c);
	return rc;
}

int zc_tx_pages_read(zc_txn *t, const uint64_t *ids, size_t n, unsigned flags, zc_page_each_fn fn, void *arg)
{
	for (size_t i = 0; i < n; i++) {
		json_t *page;
		if (zc_tx_page_read(t, ids[i], flags, &page) != ZC_OK)
			continue;
		int stop = fn(page, arg);
		json_decref(page);
		if (stop)
			return stop;
		zc_counted_read(t->idx);
	}
	return ZC_OK;
}

int zc_tx_page_put(zc_txn *t, uint64_t id, json_t *page)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int rc = page_encode(page, &b);
	if (rc == ZC_OK) {
		unsigned char k[8];
		zc_u64_key(id, k);
		t->pages_put = 1;
		rc = zc_tx_put(t, ZC_T_PAGES, k, 8, b.data, b.len);
	}
	zc_buf_free(&b);
	return rc;
}

int zc_tx_page_id(zc_txn *t, const char *url, uint64_t *id)
{
	char *v;
	size_t n;
	int rc = zc_tx_get(t, ZC_T_URLS, url, strlen(url), &v, &n);
	if (rc != ZC_OK)
		return rc;
	*id = n == 8 ? zc_key_u64(v) : 0;
	free(v);
	return *id ? ZC_OK : ZC_EPARSE;
}

uint64_t zc_tx_page_max(zc_txn *t)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id = 0;
	if (mdb_cursor_open(t->txn, dbi(t, ZC_T_PAGES), &c) != 0)
		return 0;
	if (mdb_cursor_get(c, &k, &v, MDB_LAST) == 0 && k.mv_size == 8)
		id = zc_key_u64(k.mv_data);
	mdb_cursor_close(c);
	return id;
}

int zc_tx_page_store(zc_txn *t, const char *url, json_t *page, uint64_t *id, int *is_new)
{
	int rc = zc_tx_page_id(t, url, id);
	*is_new = 0;
	if (rc == ZC_ENOTFOUND) {
		unsigned char k[8];
		*id = zc_tx_page_max(t) + 1;
		*is_new = 1;
		zc_u64_key(*id, k);
		rc = zc_tx_put(t, ZC_T_URLS, url, strlen(url), k, 8);
	}
	if (rc != ZC_OK)
		return rc;
	json_object_set_new(page, "id", json_integer((json_int_t)*id));
	rc = zc_tx_page_put(t, *id, page);
	/* a changed page keeps the pairs of its old text in postings: queries confirm on the text */
	if (rc == ZC_OK)
		rc = zc_pairs_queue(t, page, *id);
	return rc;
}

int zc_tx_pages_count(zc_txn *t, uint64_t *n)
{
	return zc_tx_count(t, ZC_T_PAGES, n);
}
