/* page.c - the page and decision records: their codec, reads, walks and stores. */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the codec: the only code that names the fields of a page or a decision record --- */

static const char *str(json_t *o, const char *key)
{
	return zc_jstr(o, key);
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* an array's strings ("" for an item that is not one), in a new array; NULL when empty */
static const char **strings(json_t *a, size_t *n)
{
	*n = json_array_size(a);
	if (!*n)
		return NULL;
	const char **v = zc_calloc(*n, sizeof *v);
	for (size_t i = 0; i < *n; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		v[i] = s ? s : "";
	}
	return v;
}

static void decision_empty(zc_decision *d)
{
	*d = (zc_decision){{"", "", ""}, "", {"", ""}, 0, "", "", "", "", "", "", "", "", "", NULL, 0, 0, 0, NULL, {NULL, NULL}};
}

/* a decision record's value as the struct; o is kept (own_) */
static void decision_of(json_t *o, zc_decision *d)
{
	json_t *cr = json_object_get(o, "criteria"), *ak = json_object_get(o, "abolition_keys");
	const char *k0 = json_string_value(json_array_get(ak, 0)), *k1 = json_string_value(json_array_get(ak, 1));
	d->criteria.decision = str(cr, "decision");
	d->criteria.reason = str(cr, "reason");
	d->criteria.evidence = str(cr, "evidence");
	d->key = str(o, "key");
	d->abolition_keys[0] = k0 ? k0 : "";
	d->abolition_keys[1] = k1 ? k1 : "";
	d->rank = (long)num(o, "rank");
	d->jurisdiction = str(o, "jurisdiction");
	d->url = str(o, "url");
	d->date = str(o, "date");
	d->published_date = str(o, "published_date");
	d->docno = str(o, "docno");
	d->decision = str(o, "decision");
	d->reason = str(o, "reason");
	d->evidence = str(o, "evidence");
	d->canonical_url = str(o, "canonical_url");
	d->sources = strings(json_object_get(o, "sources"), &d->n_sources);
	d->mem_[0] = (void *)d->sources;
	d->file_code = (long)num(o, "file_code");
	d->entries = (long)num(o, "entries");
	d->own_ = o;
}

void zc_decision_init(zc_decision *d)
{
	decision_empty(d);
}

void zc_decision_clear(zc_decision *d)
{
	free(d->mem_[0]);
	free(d->mem_[1]);
	json_decref(d->own_);
	decision_empty(d);
}

static void set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, json_string(v ? v : ""));
}

static json_t *string_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i] ? v[i] : ""));
	return a;
}

/* an object field of o to rewrite: a copy of the one there (its unknown fields kept), or new */
static json_t *sub_copy(json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);
	return json_is_object(x) ? json_copy(x) : json_object();
}

/* the decision as the value stored: the record it was read from, with every field set */
static json_t *decision_value(const zc_decision *d)
{
	json_t *o = d->own_ ? json_copy(d->own_) : json_object();
	json_t *cr = sub_copy(o, "criteria");
	set_str(cr, "decision", d->criteria.decision);
	set_str(cr, "reason", d->criteria.reason);
	set_str(cr, "evidence", d->criteria.evidence);
	json_object_set_new(o, "criteria", cr);
	set_str(o, "key", d->key);
	json_object_set_new(o, "abolition_keys", string_array(d->abolition_keys, 2));
	json_object_set_new(o, "rank", json_integer(d->rank));
	set_str(o, "jurisdiction", d->jurisdiction);
	set_str(o, "url", d->url);
	set_str(o, "date", d->date);
	set_str(o, "published_date", d->published_date);
	set_str(o, "docno", d->docno);
	set_str(o, "decision", d->decision);
	set_str(o, "reason", d->reason);
	set_str(o, "evidence", d->evidence);
	set_str(o, "canonical_url", d->canonical_url);
	json_object_set_new(o, "sources", string_array(d->sources, d->n_sources));
	/* the key alone says a document has a code (zc_tx_decision_get_if "file_code") */
	if (d->file_code)
		json_object_set_new(o, "file_code", json_integer(d->file_code));
	else
		json_object_del(o, "file_code");
	json_object_set_new(o, "entries", json_integer(d->entries));
	return o;
}

/* a page whose every string is "" */
static void page_empty(zc_page *p)
{
	static const zc_page none = {
		0, "", "", "", "", "", "",
		{"", 0, 0, "", ""},
		{"", "", "", NULL, 0, "", "", "", "", "", "", 0, 0, NULL, 0, "", 0},
		{{"", "", ""}, "", {"", ""}, 0, "", "", "", "", "", "", "", "", "", NULL, 0, 0, 0, NULL, {NULL, NULL}},
		NULL, {NULL, NULL, NULL}};
	*p = none;
}

/* a page record's value as the struct (its decision left empty); o is kept (own_) */
static void page_of(json_t *o, zc_page *p)
{
	json_t *w = json_object_get(o, "warc"), *doc = json_object_get(o, "doc");
	zc_page_doc *d = &p->doc;
	p->id = (uint64_t)num(o, "id");
	p->url = str(o, "url");
	p->site = str(o, "site");
	p->site_kind = str(o, "site_kind");
	p->jurisdiction = str(o, "jurisdiction");
	p->fetched_at = str(o, "fetched_at");
	p->digest = str(o, "digest");
	zc_place_of(w, &p->warc);
	d->url = str(doc, "url");
	d->title = str(doc, "title");
	d->docno = str(doc, "docno");
	d->issuers = strings(json_object_get(doc, "issuers"), &d->n_issuers);
	p->mem_[0] = (void *)d->issuers;
	d->written_date = str(doc, "written_date");
	d->published_date = str(doc, "published_date");
	d->type = str(doc, "type");
	d->validity = str(doc, "validity");
	d->column = str(doc, "column");
	d->charset = str(doc, "charset");
	d->bad_bytes = (long)num(doc, "bad_bytes");
	d->challenge = json_is_true(json_object_get(doc, "challenge"));
	json_t *att = json_object_get(doc, "attachments");
	d->n_attachments = json_array_size(att);
	zc_page_attachment *a = d->n_attachments ? zc_calloc(d->n_attachments, sizeof *a) : NULL;
	for (size_t i = 0; i < d->n_attachments; i++) {
		a[i].name = str(json_array_get(att, i), "name");
		a[i].url = str(json_array_get(att, i), "url");
	}
	d->attachments = a;
	p->mem_[1] = a;
	json_t *body = json_object_get(doc, "body");
	d->body = json_is_string(body) ? json_string_value(body) : "";
	d->body_len = json_is_string(body) ? json_string_length(body) : 0;
	p->own_ = o;
}

void zc_page_init(zc_page *p)
{
	page_empty(p);
}

void zc_page_clear(zc_page *p)
{
	for (size_t i = 0; i < sizeof p->mem_ / sizeof p->mem_[0]; i++)
		free(p->mem_[i]);
	json_decref(p->own_);
	zc_decision_clear(&p->dec);
	page_empty(p);
}

/* the page's document as the value stored under "doc", its body left out ("") */
static json_t *doc_value(json_t *o, const zc_page_doc *d)
{
	json_t *doc = sub_copy(o, "doc"), *att = json_array();
	for (size_t i = 0; i < d->n_attachments; i++) {
		json_t *a = json_object();
		set_str(a, "name", d->attachments[i].name);
		set_str(a, "url", d->attachments[i].url);
		json_array_append_new(att, a);
	}
	set_str(doc, "url", d->url);
	set_str(doc, "title", d->title);
	set_str(doc, "docno", d->docno);
	json_object_set_new(doc, "issuers", string_array(d->issuers, d->n_issuers));
	set_str(doc, "written_date", d->written_date);
	set_str(doc, "published_date", d->published_date);
	set_str(doc, "type", d->type);
	set_str(doc, "validity", d->validity);
	set_str(doc, "column", d->column);
	set_str(doc, "charset", d->charset);
	json_object_set_new(doc, "bad_bytes", json_integer(d->bad_bytes));
	json_object_set_new(doc, "challenge", json_boolean(d->challenge));
	json_object_set_new(doc, "attachments", att);
	json_object_set_new(doc, "body", json_string(""));
	return doc;
}

/* the page as the value stored, its body left out (""): the record it was read from, with
   every field set.  A new record has its fields in the order the crawl has always written
   them (doc first, id last), so that a page stored now has the bytes an earlier zhengce
   wrote; one read keeps its order. */
static json_t *page_value(const zc_page *p, uint64_t id)
{
	json_t *o = p->own_ ? json_copy(p->own_) : json_object();
	json_object_set_new(o, "doc", doc_value(o, &p->doc));
	set_str(o, "url", p->url);
	set_str(o, "site", p->site);
	set_str(o, "site_kind", p->site_kind);
	set_str(o, "jurisdiction", p->jurisdiction);
	set_str(o, "fetched_at", p->fetched_at);
	set_str(o, "digest", p->digest);
	if (p->warc.file && *p->warc.file)
		json_object_set_new(o, "warc", zc_place_value(json_object_get(o, "warc"), &p->warc));
	json_object_set_new(o, "id", json_integer((json_int_t)id));
	return o;
}

const char *zc_page_date(const zc_page *p)
{
	return *p->doc.written_date ? p->doc.written_date : p->doc.published_date;
}

const char *zc_page_jurisdiction(const zc_page *p)
{
	return p->jurisdiction;
}

int zc_decision_present(const zc_decision *d)
{
	return d->own_ || d->mem_[1];	/* read through jansson, or in place */
}

int zc_decision_included(const zc_decision *d)
{
	return !strcmp(d->decision, "included");
}

int zc_page_included(const zc_page *p)
{
	return zc_decision_included(&p->dec);
}

const char *zc_page_code(const zc_page *p, char *buf, size_t n)
{
	if (n)
		buf[0] = '\0';
	if (p->dec.file_code && zc_page_included(p))
		snprintf(buf, n, "%s-%ld", p->jurisdiction, p->dec.file_code);
	return buf;
}

/*
 * A page record (schema 3) is two MessagePack values: the document's body as a string, then
 * the page with doc.body left empty ("").  The body is most of a record; stored first, with
 * its length before it, it is read without the rest (zc_tx_page_body) and skipped by a reader
 * that needs only the rest (export, the query table).
 * Schema 2 stored the page's JSON (body "") a NUL and the body; schema 1 the JSON alone, the
 * body inside.  All three read back the same page, the body in its place.
 */
static int page_encode(const zc_page *p, uint64_t id, zc_buf *out)
{
	const char *body = p->doc.body ? p->doc.body : "";
	size_t len = p->doc.body_len ? p->doc.body_len : strlen(body);
	json_t *o = page_value(p, id);
	int rc = zc_rec_encode_str(body, len, out);
	if (rc == ZC_OK)
		rc = zc_rec_encode(o, out);
	json_decref(o);
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

/* a stored page record as its value; without body, doc.body is "" (schema 2 and 3) or as it
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

/* --- the same records read in place (zc_mp), for walks that only read: no jansson value is
   built, the strings are copied once into one block (an arena of the record's size holds them
   all: each string's header takes a byte at least, which its NUL takes here).  What they
   accept and how they read a field of another type (a string that is not one reads "", a
   number 0) is what the jansson reading above does; fuzz_files checks the two agree. --- */

typedef struct arena {
	char *p;
	size_t used;
} arena;

/* the string field at m: a copy when it is a string, else "" (the value checked whole) */
static int mp_strn(zc_mp *m, arena *a, const char **out, size_t *len)
{
	size_t at = m->i;
	zc_mp_val v;
	*len = 0;
	if (zc_mp_read(m, &v) == ZC_MP_STR) {
		char *c = a->p + a->used;
		memcpy(c, v.s, v.len);
		c[v.len] = '\0';
		a->used += v.len + 1;
		*out = c;
		*len = v.len;
		return 1;
	}
	*out = "";
	m->i = at;
	return zc_mp_skip(m, m->depth);
}

static int mp_str(zc_mp *m, arena *a, const char **out)
{
	size_t len;
	return mp_strn(m, a, out, &len);
}

/* an integer field (0 when it is not one); a true (1) for ZC_MP_TRUE wanted */
static int mp_num(zc_mp *m, int kind, long long *out)
{
	size_t at = m->i;
	zc_mp_val v;
	int k = zc_mp_read(m, &v);
	*out = k == kind ? (kind == ZC_MP_INT ? (long long)v.i : 1) : 0;
	if (k == ZC_MP_MAP || k == ZC_MP_ARRAY) {
		m->i = at;
		return zc_mp_skip(m, m->depth);
	}
	return k != ZC_MP_BAD;
}

/* an array of strings (an item of another type ""); none when the field is not an array */
static int mp_strs(zc_mp *m, arena *a, const char ***out, size_t *n, void **mem)
{
	size_t at = m->i;
	zc_mp_val v;
	free(*mem);	/* the field twice: the last one holds */
	*mem = NULL;
	*out = NULL;
	*n = 0;
	if (zc_mp_read(m, &v) != ZC_MP_ARRAY) {
		m->i = at;
		return zc_mp_skip(m, m->depth);
	}
	if (v.items)
		*mem = *out = zc_calloc(v.items, sizeof **out);
	*n = v.items;
	m->depth++;
	for (size_t i = 0; i < *n; i++)
		if (!mp_str(m, a, &(*out)[i]))
			return 0;
	m->depth--;
	return 1;
}

/* the key of a map's next pair, checked; the value follows */
static int mp_key(zc_mp *m, zc_mp_val *k)
{
	return zc_mp_read(m, k) == ZC_MP_STR;
}

#define KEY_IS(k, lit) ((k).len == sizeof lit - 1 && !memcmp((k).s, lit, sizeof lit - 1))

/* a map field read by fn (the map's pairs); a value of another type leaves the fields as
   they are (a record's sub-object that is not one reads as empty) */
static int mp_map(zc_mp *m, int (*fn)(zc_mp *, const zc_mp_val *, void *), void *arg)
{
	size_t at = m->i;
	zc_mp_val v, k;
	if (zc_mp_read(m, &v) != ZC_MP_MAP) {
		m->i = at;
		return zc_mp_skip(m, m->depth) ? 2 : 0;
	}
	if (m->depth >= ZC_MP_DEPTH)
		return 0;
	m->depth++;
	for (uint64_t i = 0; i < v.items; i++)
		if (!mp_key(m, &k) || !fn(m, &k, arg))
			return 0;
	m->depth--;
	return 1;
}

typedef struct dec_ctx {
	zc_decision *d;
	arena a;
} dec_ctx;

static int criteria_field(zc_mp *m, const zc_mp_val *k, void *arg)
{
	dec_ctx *c = arg;
	if (KEY_IS(*k, "decision"))
		return mp_str(m, &c->a, &c->d->criteria.decision);
	if (KEY_IS(*k, "reason"))
		return mp_str(m, &c->a, &c->d->criteria.reason);
	if (KEY_IS(*k, "evidence"))
		return mp_str(m, &c->a, &c->d->criteria.evidence);
	return zc_mp_skip(m, m->depth);
}

static int decision_field(zc_mp *m, const zc_mp_val *k, void *arg)
{
	dec_ctx *c = arg;
	zc_decision *d = c->d;
	static const struct {
		const char *key;
		size_t off;
	} S[] = {{"key", offsetof(zc_decision, key)}, {"jurisdiction", offsetof(zc_decision, jurisdiction)},
		 {"url", offsetof(zc_decision, url)}, {"date", offsetof(zc_decision, date)},
		 {"published_date", offsetof(zc_decision, published_date)}, {"docno", offsetof(zc_decision, docno)},
		 {"decision", offsetof(zc_decision, decision)}, {"reason", offsetof(zc_decision, reason)},
		 {"evidence", offsetof(zc_decision, evidence)}, {"canonical_url", offsetof(zc_decision, canonical_url)}};
	for (size_t i = 0; i < sizeof S / sizeof S[0]; i++)
		if (k->len == strlen(S[i].key) && !memcmp(k->s, S[i].key, k->len))
			return mp_str(m, &c->a, (const char **)((char *)d + S[i].off));
	long long x;
	int r;
	if (KEY_IS(*k, "criteria")) {
		d->criteria.decision = d->criteria.reason = d->criteria.evidence = "";
		return mp_map(m, criteria_field, c) != 0;
	}
	if (KEY_IS(*k, "abolition_keys")) {
		const char **ak;
		size_t n;
		void *mem = NULL;
		r = mp_strs(m, &c->a, &ak, &n, &mem);
		d->abolition_keys[0] = n > 0 ? ak[0] : "";
		d->abolition_keys[1] = n > 1 ? ak[1] : "";
		free(mem);
		return r;
	}
	if (KEY_IS(*k, "sources"))
		return mp_strs(m, &c->a, &d->sources, &d->n_sources, &d->mem_[0]);
	if (KEY_IS(*k, "rank") || KEY_IS(*k, "file_code") || KEY_IS(*k, "entries")) {
		r = mp_num(m, ZC_MP_INT, &x);
		*(KEY_IS(*k, "rank") ? &d->rank : KEY_IS(*k, "file_code") ? &d->file_code : &d->entries) = (long)x;
		return r;
	}
	return zc_mp_skip(m, m->depth);
}

/* a MessagePack decision record read in place (own_ NULL): ZC_EPARSE when damaged or not
   MessagePack (a JSON record: the caller reads it with zc_decision_decode) */
static int decision_in_place(const void *v, size_t n, zc_decision *d)
{
	dec_ctx c = {d, {zc_malloc(n + 1), 0}};
	zc_mp m = {v, n, 0, 0};
	decision_empty(d);
	d->mem_[1] = c.a.p;
	if (zc_rec_is_json(v, n) || mp_map(&m, decision_field, &c) != 1 || m.i != n) {
		zc_decision_clear(d);
		return ZC_EPARSE;
	}
	return ZC_OK;
}

/* a page's doc fields as none were read */
static void doc_empty(zc_page *p)
{
	free(p->mem_[0]);
	free(p->mem_[1]);
	p->mem_[0] = p->mem_[1] = NULL;
	p->doc = (zc_page_doc){"", "", "", NULL, 0, "", "", "", "", "", "", 0, 0, NULL, 0, "", 0};
}

typedef struct page_ctx {
	zc_page *p;
	arena a;
	int doc;		/* the last "doc" was a map */
	zc_page_attachment *att;	/* the attachment being read */
} page_ctx;

static int str_field(zc_mp *m, arena *a, const zc_mp_val *k, const char *const *keys, const char **const *fields,
		     size_t n, int *r)
{
	for (size_t i = 0; i < n; i++)
		if (k->len == strlen(keys[i]) && !memcmp(k->s, keys[i], k->len)) {
			*r = mp_str(m, a, fields[i]);
			return 1;
		}
	return 0;
}

static int attachment_field(zc_mp *m, const zc_mp_val *k, void *arg)
{
	page_ctx *c = arg;
	if (KEY_IS(*k, "name"))
		return mp_str(m, &c->a, &c->att->name);
	if (KEY_IS(*k, "url"))
		return mp_str(m, &c->a, &c->att->url);
	return zc_mp_skip(m, m->depth);
}

static int attachments(zc_mp *m, page_ctx *c)
{
	zc_page_doc *d = &c->p->doc;
	size_t at = m->i;
	zc_mp_val v;
	free(c->p->mem_[1]);
	c->p->mem_[1] = NULL;
	d->attachments = NULL;
	d->n_attachments = 0;
	if (zc_mp_read(m, &v) != ZC_MP_ARRAY) {
		m->i = at;
		return zc_mp_skip(m, m->depth);
	}
	zc_page_attachment *a = v.items ? zc_calloc(v.items, sizeof *a) : NULL;
	c->p->mem_[1] = a;
	d->attachments = a;
	d->n_attachments = v.items;
	m->depth++;
	for (size_t i = 0; i < v.items; i++) {
		a[i] = (zc_page_attachment){"", ""};
		c->att = &a[i];
		if (!mp_map(m, attachment_field, c))
			return 0;
	}
	m->depth--;
	return 1;
}

static int doc_field(zc_mp *m, const zc_mp_val *k, void *arg)
{
	page_ctx *c = arg;
	zc_page_doc *d = &c->p->doc;
	static const char *const keys[] = {"url", "title", "docno", "written_date", "published_date", "type",
					   "validity", "column", "charset"};
	const char **const fields[] = {&d->url, &d->title, &d->docno, &d->written_date, &d->published_date,
				       &d->type, &d->validity, &d->column, &d->charset};
	int r;
	long long x;
	if (str_field(m, &c->a, k, keys, fields, sizeof keys / sizeof keys[0], &r))
		return r;
	if (KEY_IS(*k, "body"))
		return mp_strn(m, &c->a, &d->body, &d->body_len);
	if (KEY_IS(*k, "issuers"))
		return mp_strs(m, &c->a, &d->issuers, &d->n_issuers, &c->p->mem_[0]);
	if (KEY_IS(*k, "attachments"))
		return attachments(m, c);
	if (KEY_IS(*k, "bad_bytes") || KEY_IS(*k, "challenge")) {
		int bad = KEY_IS(*k, "bad_bytes");
		r = mp_num(m, bad ? ZC_MP_INT : ZC_MP_TRUE, &x);
		if (bad)
			d->bad_bytes = (long)x;
		else
			d->challenge = (int)x;
		return r;
	}
	return zc_mp_skip(m, m->depth);
}

static int warc_field(zc_mp *m, const zc_mp_val *k, void *arg)
{
	page_ctx *c = arg;
	zc_warc_place *w = &c->p->warc;
	static const char *const keys[] = {"file", "record_id", "payload_record_id"};
	const char **const fields[] = {&w->file, &w->record_id, &w->payload_record_id};
	int r;
	if (str_field(m, &c->a, k, keys, fields, 3, &r))
		return r;
	if (KEY_IS(*k, "offset") || KEY_IS(*k, "skip"))
		return mp_num(m, ZC_MP_INT, KEY_IS(*k, "offset") ? &w->offset : &w->skip);
	return zc_mp_skip(m, m->depth);
}

static int page_field(zc_mp *m, const zc_mp_val *k, void *arg)
{
	page_ctx *c = arg;
	zc_page *p = c->p;
	static const char *const keys[] = {"url", "site", "site_kind", "jurisdiction", "fetched_at", "digest"};
	const char **const fields[] = {&p->url, &p->site, &p->site_kind, &p->jurisdiction, &p->fetched_at, &p->digest};
	int r;
	if (str_field(m, &c->a, k, keys, fields, 6, &r))
		return r;
	if (KEY_IS(*k, "doc")) {
		doc_empty(p);	/* the field twice: the last one holds, whole */
		r = mp_map(m, doc_field, c);
		c->doc = r == 1;
		return r != 0;
	}
	if (KEY_IS(*k, "warc")) {
		p->warc = (zc_warc_place){"", 0, 0, "", ""};
		return mp_map(m, warc_field, c) != 0;
	}
	if (KEY_IS(*k, "id")) {
		long long x;
		r = mp_num(m, ZC_MP_INT, &x);
		p->id = (uint64_t)x;
		return r;
	}
	return zc_mp_skip(m, m->depth);
}

/* a page record of schema 3 read in place without its body (own_ NULL); ZC_ENOTFOUND when
   it is not one (JSON, or not a body and a page: page_read's jansson way says which) */
static int page_in_place(const void *v, size_t n, zc_page *p)
{
	page_parts parts;
	page_empty(p);
	if (!page_split(v, n, &parts) || parts.json)
		return ZC_ENOTFOUND;
	page_ctx c = {p, {zc_malloc(n + 1), 0}, 0, NULL};
	zc_mp m = {v, n, parts.rest, 0};
	p->mem_[2] = c.a.p;
	if (mp_map(&m, page_field, &c) != 1 || !c.doc || m.i != n) {
		zc_page_clear(p);
		return ZC_EPARSE;
	}
	return ZC_OK;
}

/* a page record as the struct: read in place without its body (a walk's), else through its
   jansson value (own_ kept, so that it can be written back) */
static int page_read(const void *v, size_t n, int with_body, zc_page *out)
{
	if (!with_body) {
		int rc = page_in_place(v, n, out);
		if (rc != ZC_ENOTFOUND)
			return rc;
	}
	json_t *o = page_parse(v, n, with_body);
	page_empty(out);
	if (!o)
		return ZC_EPARSE;
	page_of(o, out);
	return ZC_OK;
}

int zc_page_decode(const void *v, size_t n, zc_page *out)
{
	return page_read(v, n, 1, out);
}

/* the record under a u64 key, in place (valid while the transaction lasts) */
static int get_u64(zc_txn *t, enum zc_table tb, uint64_t id, MDB_val *v)
{
	unsigned char k[8];
	MDB_val key = {8, k};
	zc_u64_key(id, k);
	return zc_db_err(mdb_get(t->txn, dbi(t, tb), &key, v));
}

int zc_decision_decode(const void *v, size_t n, zc_decision *d)
{
	json_t *j = zc_record_object(v, n);
	decision_empty(d);
	if (!j)
		return ZC_EPARSE;
	decision_of(j, d);
	return ZC_OK;
}

/* a decision record, only when it holds the field key (with value, unless NULL; NULL key: any) */
static int load_decision(zc_txn *t, uint64_t id, const char *key, const char *value, zc_decision *d)
{
	MDB_val v;
	decision_empty(d);
	int rc = get_u64(t, ZC_T_DECISIONS, id, &v);
	if (rc != ZC_OK)
		return rc;
	if (key && !zc_rec_has(v.mv_data, v.mv_size, key, value))
		return ZC_ENOTFOUND;
	return zc_decision_decode(v.mv_data, v.mv_size, d);
}

/* a page record as the page, with its body or without (page_parse) */
static int load_page(zc_txn *t, uint64_t id, int with_body, zc_page *page)
{
	MDB_val v;
	int rc = get_u64(t, ZC_T_PAGES, id, &v);
	if (rc != ZC_OK) {
		page_empty(page);
		return rc;
	}
	return page_read(v.mv_data, v.mv_size, with_body, page);
}

int zc_tx_page_body(zc_txn *t, uint64_t id, char **body, size_t *len)
{
	MDB_val v;
	*body = NULL;
	*len = 0;
	int rc = get_u64(t, ZC_T_PAGES, id, &v);
	if (rc != ZC_OK)
		return rc;
	page_parts p;
	if (page_split(v.mv_data, v.mv_size, &p)) {
		/* the body alone, checked as zc_page_decode checks it */
		if (!zc_utf8_valid(p.body, p.body_len))
			return ZC_EPARSE;
		*body = zc_strndup(p.body, p.body_len);
		*len = p.body_len;
		return ZC_OK;
	}
	zc_page page;
	if (page_read(v.mv_data, v.mv_size, 1, &page) != ZC_OK)
		return ZC_EPARSE;
	*body = zc_strndup(page.doc.body, page.doc.body_len);
	*len = page.doc.body_len;
	zc_page_clear(&page);
	return ZC_OK;
}

/* a decision record as the struct: in place for a walk without bodies (not written back) */
static int decision_read(const void *v, size_t n, int with_body, zc_decision *d)
{
	return with_body || zc_rec_is_json(v, n) ? zc_decision_decode(v, n, d) : decision_in_place(v, n, d);
}

int zc_page_peek(const void *v, size_t n, zc_page *out)
{
	return page_read(v, n, 0, out);
}

int zc_decision_peek(const void *v, size_t n, zc_decision *d)
{
	return decision_read(v, n, 0, d);
}

/* the page's decision into it (none: its fields "") */
static void merge_decision(zc_txn *t, uint64_t id, int with_body, zc_page *page)
{
	MDB_val v;
	if (get_u64(t, ZC_T_DECISIONS, id, &v) != ZC_OK || decision_read(v.mv_data, v.mv_size, with_body, &page->dec) != ZC_OK)
		decision_empty(&page->dec);
}

int zc_tx_page_read(zc_txn *t, uint64_t id, unsigned flags, zc_page *page)
{
	int rc = load_page(t, id, flags & ZC_PAGE_BODY, page);
	if (rc == ZC_OK)
		merge_decision(t, id, flags & ZC_PAGE_BODY, page);
	return rc;
}

int zc_tx_page_get(zc_txn *t, uint64_t id, zc_page *page)
{
	return zc_tx_page_read(t, id, ZC_PAGE_BODY, page);
}

int zc_tx_page_record(zc_txn *t, uint64_t id, zc_page *page)
{
	return load_page(t, id, 1, page);
}

int zc_tx_decision_get_if(zc_txn *t, uint64_t id, const char *key, const char *value, zc_decision *decision)
{
	return load_decision(t, id, key, value, decision);
}

int zc_tx_decision_fields(zc_txn *t, uint64_t id, const char *const *keys, size_t n, zc_rec_field *out)
{
	MDB_val v;
	int rc = get_u64(t, ZC_T_DECISIONS, id, &v);
	if (rc != ZC_OK)
		return rc;
	return zc_rec_fields_text(v.mv_data, v.mv_size, keys, n, out);
}

int zc_tx_decision_get(zc_txn *t, uint64_t id, zc_decision *decision)
{
	return zc_tx_decision_get_if(t, id, NULL, NULL, decision);
}

int zc_tx_decision_put(zc_txn *t, uint64_t id, const zc_decision *decision)
{
	unsigned char k[8];
	zc_u64_key(id, k);
	json_t *o = decision_value(decision);
	int rc = zc_tx_put_record(t, ZC_T_DECISIONS, k, 8, o);
	json_decref(o);
	return rc;
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
		zc_page page;
		if (k.mv_size != 8 || page_read(v.mv_data, v.mv_size, flags & ZC_PAGE_BODY, &page) != ZC_OK)
			continue;
		merge_decision(t, zc_key_u64(k.mv_data), flags & ZC_PAGE_BODY, &page);
		int stop = fn(&page, arg);
		zc_page_clear(&page);
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
		zc_page page;
		if (zc_tx_page_read(t, ids[i], flags, &page) != ZC_OK)
			continue;
		int stop = fn(&page, arg);
		zc_page_clear(&page);
		if (stop)
			return stop;
		zc_counted_read(t->idx);
	}
	return ZC_OK;
}

/*
 * Pages copied to a spill (internal.h: zc_tx_pages_copy), to be read in another order.  Each
 * copy is the page without its body (page_copy), unless the walk reads bodies (the page is then
 * read from its table again), and its decision record.
 */
size_t zc_spill_min = 1024;

typedef struct spilled {
	uint64_t at;		/* where the copies begin in the spill */
	size_t plen, dlen;	/* the page's bytes (0: read from the table), then the decision's */
} spilled;

struct zc_copies {
	zc_spill s;
	spilled *sp;
	uint64_t *ids;
	size_t n, cap;
	int with_body;
	zc_buf b;
};

/* what a walk without bodies keeps of a page record: its rest after an empty body (MessagePack
   "" first, or a schema-2 record's JSON and NUL); a schema-1 record, or a damaged one, whole */
static void page_copy(const void *v, size_t n, zc_buf *out)
{
	page_parts p;
	if (!page_split(v, n, &p)) {
		zc_buf_cat(out, v, n);
	} else if (p.json) {
		zc_buf_cat(out, v, p.rest_len + 1);
	} else {
		zc_buf_catc(out, (char)0xa0);
		zc_buf_cat(out, (const char *)v + p.rest, p.rest_len);
	}
}

/* one page's copies (page NULL: the walk reads bodies), and fn told of its decision */
static int copy_one(zc_txn *t, zc_copies *c, uint64_t id, const MDB_val *page, zc_copied_fn fn, void *arg)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->sp = zc_realloc(c->sp, c->cap * sizeof *c->sp);
		c->ids = zc_realloc(c->ids, c->cap * sizeof *c->ids);
	}
	spilled *x = &c->sp[c->n];
	MDB_val v = {0, NULL};
	*x = (spilled){0, 0, 0};
	zc_buf_reset(&c->b);
	if (page)
		page_copy(page->mv_data, page->mv_size, &c->b);
	x->plen = c->b.len;
	if (get_u64(t, ZC_T_DECISIONS, id, &v) == ZC_OK)
		zc_buf_cat(&c->b, v.mv_data, v.mv_size);
	else
		v = (MDB_val){0, NULL};
	x->dlen = v.mv_size;
	int rc = zc_spill_put(&c->s, c->b.data, c->b.len, &x->at);
	if (rc == ZC_OK)
		fn(c->n, id, v.mv_data, v.mv_size, arg);
	c->ids[c->n++] = id;
	zc_counted_read(t->idx);
	return rc;
}

/* every page of the table, in one pass of a cursor */
static int copy_all(zc_txn *t, zc_copies *c, zc_copied_fn fn, void *arg)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int mrc = mdb_cursor_open(t->txn, dbi(t, ZC_T_PAGES), &cur);
	if (mrc != 0)
		return zc_db_err(mrc);
	int rc = ZC_OK;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == ZC_OK; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (k.mv_size == 8)
			rc = copy_one(t, c, zc_key_u64(k.mv_data), c->with_body ? NULL : &v, fn, arg);
	mdb_cursor_close(cur);
	return rc != ZC_OK ? rc : mrc == MDB_NOTFOUND ? ZC_OK : zc_db_err(mrc);
}

int zc_tx_pages_copy(zc_txn *t, const uint64_t *ids, size_t n, unsigned flags, zc_copied_fn fn, void *arg, zc_copies **out)
{
	zc_copies *c = zc_calloc(1, sizeof *c);
	zc_buf_init(&c->b, ZC_BUF_UNLIMITED);
	c->with_body = flags & ZC_PAGE_BODY;
	int rc = zc_spill_open(&c->s);
	if (rc == ZC_OK && !ids)
		rc = copy_all(t, c, fn, arg);
	for (size_t i = 0; ids && rc == ZC_OK && i < n; i++) {
		MDB_val v;
		if (c->with_body)
			rc = copy_one(t, c, ids[i], NULL, fn, arg);	/* a page gone is skipped by the walk */
		else if (get_u64(t, ZC_T_PAGES, ids[i], &v) == ZC_OK)
			rc = copy_one(t, c, ids[i], &v, fn, arg);
	}
	if (rc == ZC_OK)
		rc = zc_spill_end(&c->s);
	if (rc != ZC_OK)
		zc_copies_free(&c);
	*out = c;
	return rc;
}

int zc_tx_copies_walk(zc_txn *t, zc_copies *c, const size_t *order, size_t n, zc_page_each_fn fn, void *arg)
{
	char *buf = NULL;
	size_t cap = 0;
	int rc = ZC_OK;
	for (size_t k = 0; k < n && rc == ZC_OK; k++) {
		const spilled *x = &c->sp[order[k]];
		size_t len = x->plen + x->dlen;
		if (len > cap)
			buf = zc_realloc(buf, cap = len * 2);
		if ((rc = zc_spill_get(&c->s, x->at, len, buf)) != ZC_OK)
			break;
		zc_page page;
		int ok = x->plen ? page_read(buf, x->plen, 0, &page) : load_page(t, c->ids[order[k]], c->with_body, &page);
		if (ok != ZC_OK)
			continue;
		if (decision_read(buf + x->plen, x->dlen, c->with_body, &page.dec) != ZC_OK)
			decision_empty(&page.dec);
		rc = fn(&page, arg);
		zc_page_clear(&page);
		zc_counted_read(t->idx);
	}
	free(buf);
	return rc;
}

void zc_copies_free(zc_copies **pc)
{
	zc_copies *c = *pc;
	if (!c)
		return;
	zc_spill_close(&c->s);
	zc_buf_free(&c->b);
	free(c->sp);
	free(c->ids);
	free(c);
	*pc = NULL;
}

int zc_tx_page_put(zc_txn *t, uint64_t id, const zc_page *page)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int rc = page_encode(page, id, &b);
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

int zc_tx_page_store(zc_txn *t, const char *url, const zc_page *page, uint64_t *id, int *is_new)
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
	rc = zc_tx_page_put(t, *id, page);
	/* a changed page keeps the pairs of its old text in postings: queries confirm on the text */
	if (rc == ZC_OK)
		rc = zc_pairs_queue(t, page->doc.title, page->doc.body, *id);
	return rc;
}

int zc_tx_pages_count(zc_txn *t, uint64_t *n)
{
	return zc_tx_count(t, ZC_T_PAGES, n);
}
