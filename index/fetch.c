/*
 * fetch.c - the fetch table (fetch.h): URL -> fetch state, and the state's codec, the one place
 * that names its fields.  A state is written as the forms of docs/SCHEMA.md have it: each form's
 * fields always (an ETag the server did not send is ""), any other field only when it holds
 * something, in the order the crawl has always written them, so that a state written now has
 * the bytes an earlier zhengce wrote.  A state read from a record is written back from that
 * record, with the fields this zhengce knows set and the others as they were.
 */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

void zc_fetch_init(zc_fetch *f, enum zc_fetch_kind kind)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->etag = f->last_modified = f->digest = f->fetched_at = f->checked_at = "";
	f->unparseable = f->answer = f->robots = "";
	f->warc.file = f->warc.record_id = f->warc.payload_record_id = "";
}

void zc_fetch_clear(zc_fetch *f)
{
	json_decref(f->own_);
	zc_fetch_init(f, ZC_FETCH_DOCUMENT);
}

void zc_fetch_share(zc_fetch *to, const zc_fetch *from)
{
	*to = *from;
	json_incref(to->own_);
}

int zc_fetch_final(const zc_fetch *f)
{
	return (f->digest && *f->digest && !(f->unparseable && *f->unparseable)) || (f->status >= 400 && f->status < 500);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* the form a record has, by the fields it holds */
static enum zc_fetch_kind kind_of(json_t *o)
{
	if (json_is_string(json_object_get(o, "robots")))
		return ZC_FETCH_ROBOTS;
	if (json_object_get(o, "answer"))
		return ZC_FETCH_ANSWER;
	if (json_object_get(o, "unparseable"))
		return ZC_FETCH_UNPARSEABLE;
	if (!json_object_get(o, "digest") && !json_object_get(o, "etag") && !json_object_get(o, "last_modified") &&
	    !json_object_get(o, "fetched_at"))
		return ZC_FETCH_STATUS;	/* a 4xx, or a 304 that came without a state before it */
	return ZC_FETCH_DOCUMENT;
}

/* f from the record o, which it then holds */
static void from_json(json_t *o, zc_fetch *f)
{
	zc_fetch_init(f, kind_of(o));
	f->own_ = o;
	f->status = (long)json_integer_value(json_object_get(o, "status"));
	f->etag = str(o, "etag");
	f->last_modified = str(o, "last_modified");
	f->digest = str(o, "digest");
	f->fetched_at = str(o, "fetched_at");
	f->checked_at = str(o, "checked_at");
	f->tries = (long)json_integer_value(json_object_get(o, "tries"));
	f->unparseable = str(o, "unparseable");
	f->answer = str(o, "answer");
	f->links = (long)json_integer_value(json_object_get(o, "links"));
	zc_place_of(json_object_get(o, "warc"), &f->warc);
	json_t *r = json_object_get(o, "robots");
	f->robots = json_is_string(r) ? json_string_value(r) : "";
	f->robots_len = json_is_string(r) ? json_string_length(r) : 0;
	f->at = json_number_value(json_object_get(o, "at"));
}

int zc_fetch_decode(const void *v, size_t n, zc_fetch *out)
{
	json_t *o = zc_record_object(v, n);
	if (!o) {
		zc_fetch_init(out, ZC_FETCH_DOCUMENT);
		return ZC_EPARSE;
	}
	from_json(o, out);
	return ZC_OK;
}

/* a string field: set when its form has it or it holds something, else gone (a string that
   is not UTF-8, which no JSON value holds, is left out) */
static void put_str(json_t *o, const char *key, const char *v, int form)
{
	if (form || (v && *v))
		json_object_set_new(o, key, json_string(v ? v : ""));
	else
		json_object_del(o, key);
}

static void put_int(json_t *o, const char *key, long long v, int form)
{
	if (form || v)
		json_object_set_new(o, key, json_integer((json_int_t)v));
	else
		json_object_del(o, key);
}

/* the imported answer's record, from the one it had (its other fields kept) */
static void put_warc(json_t *o, const zc_warc_place *w, int form)
{
	if (form || (w->file && *w->file))
		json_object_set_new(o, "warc", zc_place_value(json_object_get(o, "warc"), w));
	else
		json_object_del(o, "warc");
}

json_t *zc_fetch_json(const zc_fetch *f)
{
	json_t *o = json_is_object(f->own_) ? json_copy(f->own_) : json_object();
	enum zc_fetch_kind k = f->kind;
	int doc = k == ZC_FETCH_DOCUMENT, unp = k == ZC_FETCH_UNPARSEABLE, ans = k == ZC_FETCH_ANSWER;
	int rob = k == ZC_FETCH_ROBOTS;
	put_int(o, "status", f->status, 1);
	put_str(o, "answer", f->answer, ans);
	put_int(o, "links", f->links, ans);
	put_str(o, "unparseable", f->unparseable, unp);
	if (rob) {
		json_t *r = zc_json_string(f->robots ? f->robots : "", f->robots ? f->robots_len : 0);
		if (r)
			json_object_set_new(o, "robots", r);
		else
			json_object_del(o, "robots");
	} else {
		json_object_del(o, "robots");
	}
	put_str(o, "etag", f->etag, doc);
	put_str(o, "last_modified", f->last_modified, doc);
	put_str(o, "digest", f->digest, doc || ans);
	put_str(o, "fetched_at", f->fetched_at, doc || unp || ans);
	put_str(o, "checked_at", f->checked_at, 0);
	put_int(o, "tries", f->tries, doc || unp);
	if (rob)
		json_object_set_new(o, "at", json_real(f->at));
	else
		json_object_del(o, "at");
	put_warc(o, &f->warc, ans);
	return o;
}

void zc_fetch_own(zc_fetch *f)
{
	enum zc_fetch_kind k = f->kind;
	json_t *old = f->own_, *o = zc_fetch_json(f);
	from_json(o, f);
	f->kind = k;
	json_decref(old);
}

int zc_tx_fetch_known(zc_txn *t, const char *url)
{
	zc_fetch f;
	int known = zc_tx_fetch_get(t, url, &f) == ZC_OK && zc_fetch_final(&f);
	zc_fetch_clear(&f);
	return known;
}

int zc_tx_fetch_get(zc_txn *t, const char *url, zc_fetch *out)
{
	char *v;
	size_t n;
	zc_fetch_init(out, ZC_FETCH_DOCUMENT);
	int rc = zc_tx_get(t, ZC_T_FETCH, url, strlen(url), &v, &n);
	if (rc != ZC_OK)
		return rc;
	rc = zc_fetch_decode(v, n, out);
	free(v);
	return rc;
}

int zc_tx_fetch_put(zc_txn *t, const char *url, const zc_fetch *f)
{
	json_t *o = zc_fetch_json(f);
	int rc = zc_tx_put_json(t, ZC_T_FETCH, url, o);
	json_decref(o);
	return rc;
}

typedef struct fetch_each_ctx {
	zc_fetch_each_fn fn;
	void *arg;
} fetch_each_ctx;

static int fetch_row(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	fetch_each_ctx *c = arg;
	zc_fetch f;
	if (zc_fetch_decode(v, vl, &f) != ZC_OK)
		return 0;	/* damaged: check reports it */
	char *url = zc_strndup(k, kl);
	int rc = c->fn(url, &f, c->arg);
	free(url);
	zc_fetch_clear(&f);
	return rc;
}

int zc_tx_fetch_each(zc_txn *t, zc_fetch_each_fn fn, void *arg)
{
	fetch_each_ctx c = {fn, arg};
	return zc_tx_scan(t, ZC_T_FETCH, NULL, 0, fetch_row, &c);
}
