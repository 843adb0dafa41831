/*
 * coding.c - the coding table (codings.h): coders' codings and final codes of entries, and the
 * codec of its records and of the meta records codebook and normalisation: the only code that
 * names their fields.  Keys: ENTRY NUL "c" NUL CODER NUL ROUND (u64 BE), and ENTRY NUL "f".
 */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

#define CODER_MAX 64
#define ENTRY_MAX 64
#define ROUND_MAX 999

int zc_coder_name_check(const char *coder)
{
	size_t n = coder ? strlen(coder) : 0;
	if (n == 0 || n > CODER_MAX || !zc_utf8_valid(coder, n) || coder[0] == ' ' || coder[n - 1] == ' ')
		return ZC_EUSAGE;
	for (const char *p = coder; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '|' || *p == ';')
			return ZC_EUSAGE;
	return strstr(coder, "\xef\xbc\x9b") ? ZC_EUSAGE : ZC_OK;	/* ； */
}

static int entry_ok(const char *entry)
{
	size_t n = entry ? strlen(entry) : 0;
	return n > 0 && n <= ENTRY_MAX;
}

/* the key of a coder's coding into k (at least ENTRY_MAX + CODER_MAX + 16 bytes) */
static size_t coding_key(const char *entry, const char *coder, unsigned round, unsigned char *k)
{
	size_t el = strlen(entry), cl = strlen(coder), n = 0;
	memcpy(k, entry, el);
	n += el;
	k[n++] = 0;
	k[n++] = 'c';
	k[n++] = 0;
	memcpy(k + n, coder, cl);
	n += cl;
	k[n++] = 0;
	zc_u64_key(round, k + n);
	return n + 8;
}

static size_t final_key(const char *entry, unsigned char *k)
{
	size_t el = strlen(entry);
	memcpy(k, entry, el);
	k[el] = 0;
	k[el + 1] = 'f';
	return el + 2;
}

/* ---- codes per category ---- */

zc_catcodes *zc_codes_cat(zc_codes *s, const char *category)
{
	for (size_t i = 0; i < s->ncats; i++)
		if (!strcmp(s->cats[i].category, category))
			return &s->cats[i];
	s->cats = zc_realloc(s->cats, (s->ncats + 1) * sizeof *s->cats);
	zc_catcodes *c = &s->cats[s->ncats++];
	memset(c, 0, sizeof *c);
	c->category = zc_strdup(category);
	return c;
}

const zc_catcodes *zc_codes_of(const zc_codes *s, const char *category)
{
	for (size_t i = 0; i < s->ncats; i++)
		if (!strcmp(s->cats[i].category, category))
			return &s->cats[i];
	return NULL;
}

void zc_codes_add(zc_codes *s, const char *category, const char *code)
{
	zc_catcodes *c = zc_codes_cat(s, category);
	c->codes = zc_realloc(c->codes, (c->ncodes + 1) * sizeof *c->codes);
	c->codes[c->ncodes++] = zc_strdup(code);
}

void zc_codes_relate(zc_codes *s, const char *category, const char *source, const char *target)
{
	zc_catcodes *c = zc_codes_cat(s, category);
	c->rels = zc_realloc(c->rels, (c->nrels + 1) * sizeof *c->rels);
	c->rels[c->nrels].source = zc_strdup(source);
	c->rels[c->nrels++].target = zc_strdup(target);
}

int zc_catcodes_has(const zc_catcodes *c, const char *code)
{
	for (size_t i = 0; c && i < c->ncodes; i++)
		if (!strcmp(c->codes[i], code))
			return 1;
	return 0;
}

static int catcodes_equal(const zc_catcodes *a, const zc_catcodes *b)
{
	if (!b || a->ncodes != b->ncodes || a->nrels != b->nrels)
		return 0;
	for (size_t i = 0; i < a->ncodes; i++)
		if (strcmp(a->codes[i], b->codes[i]))
			return 0;
	for (size_t i = 0; i < a->nrels; i++)
		if (strcmp(a->rels[i].source, b->rels[i].source) || strcmp(a->rels[i].target, b->rels[i].target))
			return 0;
	return 1;
}

int zc_codes_equal(const zc_codes *a, const zc_codes *b)
{
	if (a->ncats != b->ncats)
		return 0;
	for (size_t i = 0; i < a->ncats; i++)
		if (!catcodes_equal(&a->cats[i], zc_codes_of(b, a->cats[i].category)))
			return 0;
	return 1;
}

void zc_codes_copy(zc_codes *dst, const zc_codes *src)
{
	memset(dst, 0, sizeof *dst);
	for (size_t i = 0; i < src->ncats; i++) {
		const zc_catcodes *c = &src->cats[i];
		zc_codes_cat(dst, c->category);
		for (size_t k = 0; k < c->ncodes; k++)
			zc_codes_add(dst, c->category, c->codes[k]);
		for (size_t k = 0; k < c->nrels; k++)
			zc_codes_relate(dst, c->category, c->rels[k].source, c->rels[k].target);
	}
}

void zc_codes_clear(zc_codes *s)
{
	for (size_t i = 0; i < s->ncats; i++) {
		zc_catcodes *c = &s->cats[i];
		for (size_t k = 0; k < c->ncodes; k++)
			free(c->codes[k]);
		for (size_t k = 0; k < c->nrels; k++) {
			free(c->rels[k].source);
			free(c->rels[k].target);
		}
		free(c->category);
		free(c->codes);
		free(c->rels);
	}
	free(s->cats);
	s->cats = NULL;
	s->ncats = 0;
}

/* ---- the codec ---- */

static const char *str_field(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static unsigned round_field(json_t *o, const char *k)
{
	json_int_t r = json_integer_value(json_object_get(o, k));
	return r >= 1 && r <= ROUND_MAX ? (unsigned)r : 0;
}

/* "codes" and "relations" of a record into s (strings that are no strings skipped) */
static void codes_decode(json_t *rec, zc_codes *s)
{
	const char *cat;
	json_t *v, *x;
	size_t i;
	json_object_foreach(json_object_get(rec, "codes"), cat, v) {
		zc_codes_cat(s, cat);
		json_array_foreach(v, i, x)
			if (json_is_string(x))
				zc_codes_add(s, cat, json_string_value(x));
	}
	json_object_foreach(json_object_get(rec, "relations"), cat, v) {
		json_array_foreach(v, i, x) {
			const char *a = json_string_value(json_array_get(x, 0)), *b = json_string_value(json_array_get(x, 1));
			if (a && b)
				zc_codes_relate(s, cat, a, b);
		}
	}
}

static json_t *str_json(const char *s)
{
	return json_string(s ? s : "");
}

/* s as "codes" and "relations" of rec */
static void codes_encode(const zc_codes *s, json_t *rec)
{
	json_t *codes = json_object(), *rels = json_object();
	for (size_t i = 0; i < s->ncats; i++) {
		const zc_catcodes *c = &s->cats[i];
		json_t *a = json_array();
		for (size_t k = 0; k < c->ncodes; k++)
			json_array_append_new(a, json_string(c->codes[k]));
		json_object_set_new(codes, c->category, a);
		if (!c->nrels)
			continue;
		json_t *r = json_array();
		for (size_t k = 0; k < c->nrels; k++)
			json_array_append_new(r, json_pack("[ss]", c->rels[k].source, c->rels[k].target));
		json_object_set_new(rels, c->category, r);
	}
	json_object_set_new(rec, "codes", codes);
	json_object_set_new(rec, "relations", rels);
}

static void opt_str(json_t *rec, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(rec, k, json_string(v));
	else
		json_object_del(rec, k);
}

static json_t *coding_encode(const zc_coding *c)
{
	json_t *rec = zc_record_base(c->own_);
	codes_encode(&c->codes, rec);
	json_object_set_new(rec, "note", str_json(c->note));
	json_object_set_new(rec, "entry", str_json(c->entry));
	json_object_set_new(rec, "coder", str_json(c->coder));
	json_object_set_new(rec, "round", json_integer(c->round));
	json_object_set_new(rec, "text_sha256", str_json(c->text_sha256));
	json_object_set_new(rec, "codebook", str_json(c->codebook));
	json_object_set_new(rec, "source", json_pack("{s:s,s:I}", "file", c->source_file ? c->source_file : "", "row",
						     (json_int_t)c->source_row));
	json_object_set_new(rec, "at", str_json(c->at));
	return rec;
}

/* rec (a reference taken over) as a coding */
static void coding_decode(json_t *rec, zc_coding *c)
{
	memset(c, 0, sizeof *c);
	c->own_ = rec;
	codes_decode(rec, &c->codes);
	c->entry = str_field(rec, "entry");
	c->coder = str_field(rec, "coder");
	c->round = round_field(rec, "round");
	c->note = str_field(rec, "note");
	c->text_sha256 = str_field(rec, "text_sha256");
	c->codebook = str_field(rec, "codebook");
	json_t *src = json_object_get(rec, "source");
	c->source_file = str_field(src, "file");
	c->source_row = (long)json_integer_value(json_object_get(src, "row"));
	c->at = str_field(rec, "at");
}

json_t *zc_coding_json(const zc_coding *c)
{
	return coding_encode(c);
}

void zc_coding_clear(zc_coding *c)
{
	zc_codes_clear(&c->codes);
	json_decref(c->own_);
	memset(c, 0, sizeof *c);
}

static int str_same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

int zc_coding_same(const zc_coding *a, const zc_coding *b)
{
	return zc_codes_equal(&a->codes, &b->codes) && str_same(a->note, b->note) && str_same(a->text_sha256, b->text_sha256) &&
	       str_same(a->codebook, b->codebook);
}

void zc_final_coder(zc_final *f, const char *coder)
{
	f->coders = zc_realloc(f->coders, (f->ncoders + 1) * sizeof *f->coders);
	f->coders[f->ncoders++] = zc_strdup(coder);
}

void zc_final_rename(zc_final *f, const char *category, const char *from, const char *to)
{
	for (size_t i = 0; i < f->nrenames; i++)
		if (!strcmp(f->renames[i].category, category) && !strcmp(f->renames[i].from, from)) {
			free(f->renames[i].to);
			f->renames[i].to = zc_strdup(to);
			return;
		}
	f->renames = zc_realloc(f->renames, (f->nrenames + 1) * sizeof *f->renames);
	zc_rename *r = &f->renames[f->nrenames++];
	r->category = zc_strdup(category);
	r->from = zc_strdup(from);
	r->to = zc_strdup(to);
}

static json_t *final_encode(const zc_final *f)
{
	json_t *rec = zc_record_base(f->own_), *coders = json_array(), *renamed = json_object();
	json_object_set_new(rec, "entry", str_json(f->entry));
	codes_encode(&f->codes, rec);
	json_object_set_new(rec, "from", str_json(f->from));
	json_object_set_new(rec, "round", json_integer(f->round));
	for (size_t i = 0; i < f->ncoders; i++)
		json_array_append_new(coders, json_string(f->coders[i]));
	json_object_set_new(rec, "coders", coders);
	json_object_set_new(rec, "text_sha256", str_json(f->text_sha256));
	for (size_t i = 0; i < f->nrenames; i++) {
		const zc_rename *r = &f->renames[i];
		json_t *m = json_object_get(renamed, r->category);
		if (!m)
			json_object_set_new(renamed, r->category, (m = json_object()));
		json_object_set_new(m, r->from, json_string(r->to));
	}
	json_object_set_new(rec, "normalised", renamed);
	opt_str(rec, "note", f->note);
	opt_str(rec, "at", f->at);
	return rec;
}

static void final_decode(json_t *rec, zc_final *f)
{
	memset(f, 0, sizeof *f);
	f->own_ = rec;
	f->entry = str_field(rec, "entry");
	codes_decode(rec, &f->codes);
	f->from = str_field(rec, "from");
	f->round = round_field(rec, "round");
	size_t i;
	json_t *x, *m;
	json_array_foreach(json_object_get(rec, "coders"), i, x)
		if (json_is_string(x))
			zc_final_coder(f, json_string_value(x));
	f->text_sha256 = str_field(rec, "text_sha256");
	const char *cat, *from;
	json_object_foreach(json_object_get(rec, "normalised"), cat, m)
		json_object_foreach(m, from, x)
			if (json_is_string(x))
				zc_final_rename(f, cat, from, json_string_value(x));
	f->note = str_field(rec, "note");
	f->at = str_field(rec, "at");
}

json_t *zc_final_json(const zc_final *f)
{
	return final_encode(f);
}

void zc_final_clear(zc_final *f)
{
	zc_codes_clear(&f->codes);
	for (size_t i = 0; i < f->ncoders; i++)
		free(f->coders[i]);
	for (size_t i = 0; i < f->nrenames; i++) {
		free(f->renames[i].category);
		free(f->renames[i].from);
		free(f->renames[i].to);
	}
	free(f->coders);
	free(f->renames);
	json_decref(f->own_);
	memset(f, 0, sizeof *f);
}

static int renames_within(const zc_final *a, const zc_final *b)
{
	for (size_t i = 0; i < a->nrenames; i++) {
		size_t k = 0;
		while (k < b->nrenames && (strcmp(a->renames[i].category, b->renames[k].category) ||
					   strcmp(a->renames[i].from, b->renames[k].from) || strcmp(a->renames[i].to, b->renames[k].to)))
			k++;
		if (k == b->nrenames)
			return 0;
	}
	return 1;
}

int zc_final_same(const zc_final *a, const zc_final *b)
{
	if (!zc_codes_equal(&a->codes, &b->codes) || !str_same(a->from, b->from) || a->round != b->round ||
	    a->ncoders != b->ncoders || !str_same(a->text_sha256, b->text_sha256) || !str_same(a->note, b->note) ||
	    a->nrenames != b->nrenames || !renames_within(a, b))
		return 0;
	for (size_t i = 0; i < a->ncoders; i++)
		if (strcmp(a->coders[i], b->coders[i]))
			return 0;
	return 1;
}

/* ---- the table ---- */

/* rec (taken) stored under k */
static int put_rec(zc_txn *t, const unsigned char *k, size_t kl, json_t *rec)
{
	int rc = zc_tx_put_record(t, ZC_T_CODINGS, k, kl, rec);
	json_decref(rec);
	return rc;
}

static int get_rec(zc_txn *t, const unsigned char *k, size_t kl, json_t **rec)
{
	*rec = NULL;
	if (!zc_tx_has(t, ZC_T_CODINGS))
		return ZC_ENOTFOUND;
	char *v;
	size_t n;
	int rc = zc_tx_get(t, ZC_T_CODINGS, k, kl, &v, &n);
	if (rc != ZC_OK)
		return rc;
	*rec = zc_record_object(v, n);
	free(v);
	return *rec ? ZC_OK : ZC_EPARSE;
}

static int coding_args_ok(const char *entry, const char *coder, unsigned round)
{
	return entry_ok(entry) && zc_coder_name_check(coder) == ZC_OK && round >= 1 && round <= ROUND_MAX;
}

int zc_tx_coding_put(zc_txn *t, const zc_coding *c)
{
	unsigned char k[ENTRY_MAX + CODER_MAX + 16];
	if (!coding_args_ok(c->entry, c->coder, c->round))
		return ZC_EUSAGE;
	return put_rec(t, k, coding_key(c->entry, c->coder, c->round, k), coding_encode(c));
}

int zc_tx_coding_get(zc_txn *t, const char *entry, const char *coder, unsigned round, zc_coding *out)
{
	unsigned char k[ENTRY_MAX + CODER_MAX + 16];
	json_t *rec;
	memset(out, 0, sizeof *out);
	if (!coding_args_ok(entry, coder, round))
		return ZC_EUSAGE;
	int rc = get_rec(t, k, coding_key(entry, coder, round, k), &rec);
	if (rc == ZC_OK)
		coding_decode(rec, out);
	return rc;
}

int zc_tx_coding_del(zc_txn *t, const char *entry, const char *coder, unsigned round)
{
	unsigned char k[ENTRY_MAX + CODER_MAX + 16];
	if (!coding_args_ok(entry, coder, round))
		return ZC_EUSAGE;
	return zc_tx_del(t, ZC_T_CODINGS, k, coding_key(entry, coder, round, k));
}

int zc_tx_final_put(zc_txn *t, const zc_final *f)
{
	unsigned char k[ENTRY_MAX + 4];
	if (!entry_ok(f->entry))
		return ZC_EUSAGE;
	return put_rec(t, k, final_key(f->entry, k), final_encode(f));
}

int zc_tx_final_get(zc_txn *t, const char *entry, zc_final *out)
{
	unsigned char k[ENTRY_MAX + 4];
	json_t *rec;
	memset(out, 0, sizeof *out);
	if (!entry_ok(entry))
		return ZC_EUSAGE;
	int rc = get_rec(t, k, final_key(entry, k), &rec);
	if (rc == ZC_OK)
		final_decode(rec, out);
	return rc;
}

int zc_tx_final_del(zc_txn *t, const char *entry)
{
	unsigned char k[ENTRY_MAX + 4];
	if (!entry_ok(entry))
		return ZC_EUSAGE;
	return zc_tx_del(t, ZC_T_CODINGS, k, final_key(entry, k));
}

/* A key split into its parts: kind 'c' (entry, coder, round) or 'f' (entry); 0 when it is
   neither (a record another zhengce wrote: skipped). */
typedef struct parsed_key {
	char entry[ENTRY_MAX + 1];
	char coder[CODER_MAX + 1];
	unsigned round;
	int kind;
} parsed_key;

static int parse_key(const unsigned char *k, size_t n, parsed_key *pk)
{
	const unsigned char *z = memchr(k, 0, n);
	pk->kind = 0;
	if (!z || z == k || (size_t)(z - k) > ENTRY_MAX || (size_t)(z - k) + 2 > n)
		return 0;
	size_t el = (size_t)(z - k);
	memcpy(pk->entry, k, el);
	pk->entry[el] = '\0';
	const unsigned char *p = z + 1, *end = k + n;
	if (*p == 'f' && p + 1 == end) {
		pk->kind = 'f';
		return 'f';
	}
	if (*p != 'c' || p + 2 >= end || p[1] != 0)
		return 0;
	p += 2;
	const unsigned char *z2 = memchr(p, 0, (size_t)(end - p));
	if (!z2 || z2 == p || (size_t)(z2 - p) > CODER_MAX || (size_t)(end - z2) != 9)
		return 0;
	memcpy(pk->coder, p, (size_t)(z2 - p));
	pk->coder[z2 - p] = '\0';
	uint64_t r = zc_key_u64(z2 + 1);
	if (r < 1 || r > ROUND_MAX)
		return 0;
	pk->round = (unsigned)r;
	pk->kind = 'c';
	return 'c';
}

typedef struct walk {
	int kind;
	zc_coding_fn cfn;
	zc_final_fn ffn;
	void *arg;
	int result;
	uint64_t nc, nf;
} walk;

/* a record of the walk to its callback, the entry, coder and round the key's */
static int walk_call(walk *w, const parsed_key *pk, json_t *rec)
{
	if (pk->kind == 'c') {
		zc_coding c;
		coding_decode(rec, &c);
		c.entry = pk->entry;
		c.coder = pk->coder;
		c.round = pk->round;
		int r = w->cfn(&c, w->arg);
		zc_coding_clear(&c);
		return r;
	}
	zc_final f;
	final_decode(rec, &f);
	f.entry = pk->entry;
	int r = w->ffn(&f, w->arg);
	zc_final_clear(&f);
	return r;
}

static int walk_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	walk *w = arg;
	parsed_key pk;
	int kind = parse_key(key, klen, &pk);
	if (kind == 'c')
		w->nc++;
	else if (kind == 'f')
		w->nf++;
	if (!kind || kind != w->kind)
		return 0;
	json_t *rec = zc_record_object(val, vlen);
	if (!rec)
		return 0;	/* damaged: check reports it */
	w->result = walk_call(w, &pk, rec);
	return w->result;
}

int zc_tx_codings_each(zc_txn *t, zc_coding_fn fn, void *arg)
{
	if (!zc_tx_has(t, ZC_T_CODINGS))
		return ZC_OK;
	walk w = {'c', fn, NULL, arg, 0, 0, 0};
	int rc = zc_tx_scan(t, ZC_T_CODINGS, "", 0, walk_one, &w);
	return rc != ZC_OK ? rc : w.result;
}

int zc_tx_finals_each(zc_txn *t, zc_final_fn fn, void *arg)
{
	if (!zc_tx_has(t, ZC_T_CODINGS))
		return ZC_OK;
	walk w = {'f', NULL, fn, arg, 0, 0, 0};
	int rc = zc_tx_scan(t, ZC_T_CODINGS, "", 0, walk_one, &w);
	return rc != ZC_OK ? rc : w.result;
}

int zc_tx_codings_count(zc_txn *t, uint64_t *codings, uint64_t *finals)
{
	*codings = *finals = 0;
	if (!zc_tx_has(t, ZC_T_CODINGS))
		return ZC_OK;
	walk w = {0, NULL, NULL, NULL, 0, 0, 0};
	int rc = zc_tx_scan(t, ZC_T_CODINGS, "", 0, walk_one, &w);
	*codings = w.nc;
	*finals = w.nf;
	return rc;
}

/* ---- the meta records ---- */

static int meta_rec_put(zc_txn *t, const char *name, json_t *rec)
{
	int rc = zc_tx_put_json(t, ZC_T_META, name, rec);
	json_decref(rec);
	return rc;
}

/* The two meta records have one shape: a name (the codebook's, the map's file), the SHA-256, and
   a JSON value (the codebook, the map), under these keys. */
typedef struct meta_shape {
	const char *meta, *name_key, *value_key;
} meta_shape;

static const meta_shape CODEBOOK_REC = {"codebook", "name", "codebook"};
static const meta_shape NORMALISATION_REC = {"normalisation", "file", "map"};

static int meta3_put(zc_txn *t, const meta_shape *m, json_t *own, const char *name, const char *sha, json_t *value)
{
	json_t *rec = zc_record_base(own);
	json_object_set_new(rec, m->name_key, str_json(name));
	json_object_set_new(rec, "sha256", str_json(sha));
	json_object_set(rec, m->value_key, value ? value : json_null());
	return meta_rec_put(t, m->meta, rec);
}

static int meta3_get(zc_txn *t, const meta_shape *m, json_t **own, const char **name, const char **sha, json_t **value)
{
	int rc = zc_tx_get_object(t, ZC_T_META, m->meta, own);
	if (rc != ZC_OK)
		return rc;
	*name = str_field(*own, m->name_key);
	*sha = str_field(*own, "sha256");
	*value = json_object_get(*own, m->value_key);
	return ZC_OK;
}

int zc_tx_codebook_put(zc_txn *t, const zc_codebook_rec *r)
{
	return meta3_put(t, &CODEBOOK_REC, r->own_, r->name, r->sha256, r->codebook);
}

int zc_tx_codebook_get(zc_txn *t, zc_codebook_rec *out)
{
	memset(out, 0, sizeof *out);
	return meta3_get(t, &CODEBOOK_REC, &out->own_, &out->name, &out->sha256, &out->codebook);
}

void zc_codebook_rec_clear(zc_codebook_rec *r)
{
	json_decref(r->own_);
	memset(r, 0, sizeof *r);
}

int zc_tx_normalisation_put(zc_txn *t, const zc_normalisation_rec *r)
{
	return meta3_put(t, &NORMALISATION_REC, r->own_, r->file, r->sha256, r->map);
}

int zc_tx_normalisation_get(zc_txn *t, zc_normalisation_rec *out)
{
	memset(out, 0, sizeof *out);
	return meta3_get(t, &NORMALISATION_REC, &out->own_, &out->file, &out->sha256, &out->map);
}

void zc_normalisation_rec_clear(zc_normalisation_rec *r)
{
	json_decref(r->own_);
	memset(r, 0, sizeof *r);
}
