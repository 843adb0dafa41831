/* selection.c - the tables a selection builds and what meta keeps of it (selection.h). */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* LMDB keys are at most 511 bytes: a dedup or abolition key is cut at 500 (as it always was,
   so that a corpus written before long keys were hashed reads the same) */
#define ID_KEY_MAX 500

static int put_id(zc_txn *t, enum zc_table tb, const char *key, uint64_t id)
{
	unsigned char v[8];
	zc_u64_key(id, v);
	size_t kl = strlen(key);
	return zc_tx_put(t, tb, key, kl > ID_KEY_MAX ? ID_KEY_MAX : kl, v, 8);
}

static int get_id(zc_txn *t, enum zc_table tb, const char *key, uint64_t *id)
{
	char *v;
	size_t n, kl = strlen(key);
	int rc = zc_tx_get(t, tb, key, kl > ID_KEY_MAX ? ID_KEY_MAX : kl, &v, &n);
	if (rc != ZC_OK)
		return rc;
	*id = n == 8 ? zc_key_u64(v) : 0;
	free(v);
	return ZC_OK;
}

/* dupkey: "D|docno" or "T|title|date" -> the canonical copy's page id (u64) */
char *zc_dup_key(const char *docno, const char *title, const char *date)
{
	if (docno && *docno)
		return zc_asprintf("D|%s", docno);
	return zc_asprintf("T|%s|%s", title ? title : "", date ? date : "");
}

int zc_dup_key_is_docno(const char *key)
{
	return key[0] == 'D' && key[1] == '|';
}

int zc_tx_dup_get(zc_txn *t, const char *key, uint64_t *id)
{
	return get_id(t, ZC_T_DUPKEY, key, id);
}

int zc_tx_dup_put(zc_txn *t, const char *key, uint64_t id)
{
	return put_id(t, ZC_T_DUPKEY, key, id);
}

char *zc_abolished_key(const char *juris, enum zc_abolished_by by, const char *text)
{
	return zc_asprintf("%s|%c|%s", juris, (char)by, text);
}

int zc_tx_abolished_get(zc_txn *t, const char *key, uint64_t *id)
{
	return get_id(t, ZC_T_ABOLISHED, key, id);
}

int zc_tx_abolished_put(zc_txn *t, const char *key, uint64_t id)
{
	return put_id(t, ZC_T_ABOLISHED, key, id);
}

/* near: "JJ|date" -> [[page id, SimHash in hex, dedup key], ...] */
int zc_tx_near_note(zc_txn *t, const char *juris, const char *date, const zc_near_doc *d)
{
	char *nk = zc_asprintf("%s|%s", juris, date);
	json_t *list = NULL;
	if (zc_tx_get_json(t, ZC_T_NEAR, nk, &list) != ZC_OK || !json_is_array(list)) {
		json_decref(list);
		list = json_array();
	}
	char hex[20];
	snprintf(hex, sizeof hex, "%016llx", d->simhash);
	json_array_append_new(list, json_pack("[I,s,s]", (json_int_t)d->id, hex, d->key));
	int rc = zc_tx_put_json(t, ZC_T_NEAR, nk, list);
	json_decref(list);
	free(nk);
	return rc;
}

typedef struct near_walk {
	zc_near_fn fn;
	void *arg;
	int rc;
} near_walk;

static int near_group(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	near_walk *w = arg;
	json_t *list = zc_record_parse(v, vl);
	size_t n = json_array_size(list);
	zc_near_doc *docs = zc_calloc(n + 1, sizeof *docs);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(list, i);
		const char *hex = json_string_value(json_array_get(e, 1)), *key = json_string_value(json_array_get(e, 2));
		docs[i].id = (uint64_t)json_integer_value(json_array_get(e, 0));
		docs[i].simhash = hex ? strtoull(hex, NULL, 16) : 0;
		docs[i].key = key ? key : "";
	}
	w->rc = w->fn(docs, n, w->arg);
	free(docs);
	json_decref(list);
	return w->rc != 0;
}

int zc_tx_near_each(zc_txn *t, zc_near_fn fn, void *arg)
{
	near_walk w = {fn, arg, 0};
	int rc = zc_tx_scan(t, ZC_T_NEAR, NULL, 0, near_group, &w);
	return rc != ZC_OK ? rc : w.rc;
}

/* jy: jurisdiction (2 bytes) year (4) page id (u64 BE) -> "" */
int zc_tx_jy_add(zc_txn *t, const char *juris, const char *date, uint64_t id)
{
	unsigned char key[14] = {0};
	memcpy(key, juris, strnlen(juris, 2));
	memcpy(key + 2, date, strnlen(date, 4));
	zc_u64_key(id, key + 6);
	return zc_tx_put(t, ZC_T_JY, key, sizeof key, "", 0);
}

char *zc_file_code(const char *juris, long n)
{
	return zc_asprintf("%s-%ld", juris, n);
}

int zc_tx_file_code_get(zc_txn *t, const char *code, uint64_t *id)
{
	return get_id(t, ZC_T_FILECODE, code, id);
}

int zc_tx_file_code_put(zc_txn *t, const char *juris, long n, uint64_t id)
{
	char *code = zc_file_code(juris, n);
	int rc = put_id(t, ZC_T_FILECODE, code, id);
	free(code);
	return rc;
}

/* meta "code:JJ": the last code given in jurisdiction JJ */
#define LAST_CODE "code:"

int zc_tx_file_code_last_put(zc_txn *t, const char *juris, long n)
{
	char *mk = zc_asprintf(LAST_CODE "%s", juris), num[24];
	snprintf(num, sizeof num, "%ld", n);
	int rc = zc_tx_meta_put(t, mk, num);
	free(mk);
	return rc;
}

int zc_tx_file_code_next(zc_txn *t, const char *juris, long *n)
{
	char *mk = zc_asprintf(LAST_CODE "%s", juris), *v = NULL;
	*n = 1;
	if (zc_tx_meta_get(t, mk, &v) == ZC_OK)
		*n = strtol(v, NULL, 10) + 1;
	free(v);
	free(mk);
	return zc_tx_file_code_last_put(t, juris, *n);
}

static int meta_code_key(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v;
	(void)vl;
	json_array_append_new(arg, json_stringn(k, kl));
	return 0;
}

int zc_tx_file_codes_clear(zc_txn *t)
{
	json_t *metas = json_array();
	int rc = zc_tx_clear(t, ZC_T_FILECODE);
	if (rc == ZC_OK)
		rc = zc_tx_scan(t, ZC_T_META, LAST_CODE, strlen(LAST_CODE), meta_code_key, metas);
	for (size_t i = 0; i < json_array_size(metas) && rc == ZC_OK; i++) {
		const char *k = json_string_value(json_array_get(metas, i));
		rc = zc_tx_del(t, ZC_T_META, k, strlen(k));
	}
	json_decref(metas);
	return rc;
}

/* entries: code -> {code, doc_code, page, section, item, text}; the codec, the only code that
   names an entry record's fields */
static void entry_of(json_t *o, zc_entry *e)
{
	e->code = zc_jstr(o, "code");
	e->doc_code = zc_jstr(o, "doc_code");
	e->page = (uint64_t)json_integer_value(json_object_get(o, "page"));
	e->section = (long)json_integer_value(json_object_get(o, "section"));
	e->item = (long)json_integer_value(json_object_get(o, "item"));
	e->text = zc_jstr(o, "text");
	e->own_ = o;
}

static void entry_empty(zc_entry *e)
{
	*e = (zc_entry){"", "", 0, 0, 0, "", NULL};
}

void zc_entry_init(zc_entry *e)
{
	entry_empty(e);
}

void zc_entry_clear(zc_entry *e)
{
	json_decref(e->own_);
	entry_empty(e);
}

void zc_entry_keep(zc_entry *dst, const zc_entry *src)
{
	*dst = *src;
	json_incref(dst->own_);
}

/* the entry record under key, or ZC_ENOTFOUND / ZC_EPARSE */
int zc_entry_get(zc_txn *t, const char *key, zc_entry *e)
{
	json_t *o = NULL;
	entry_empty(e);
	int rc = zc_tx_get_object(t, ZC_T_ENTRIES, key, &o);
	if (rc != ZC_OK)
		return rc;
	entry_of(o, e);
	return ZC_OK;
}

int zc_entry_decode(const void *v, size_t n, zc_entry *e)
{
	json_t *o = zc_record_object(v, n);
	entry_empty(e);
	if (!o)
		return ZC_EPARSE;
	entry_of(o, e);
	return ZC_OK;
}

int zc_tx_entry_put(zc_txn *t, const zc_entry *e)
{
	const char *dc = e->doc_code ? e->doc_code : "";
	char *code = zc_asprintf("%s-%ld-%ld", dc, e->section, e->item);
	json_t *ent = e->own_ ? json_copy(e->own_) : json_object();
	json_object_set_new(ent, "code", json_string(code));
	json_object_set_new(ent, "doc_code", json_string(dc));
	json_object_set_new(ent, "page", json_integer((json_int_t)e->page));
	json_object_set_new(ent, "section", json_integer(e->section));
	json_object_set_new(ent, "item", json_integer(e->item));
	json_object_set_new(ent, "text", json_string(e->text ? e->text : ""));
	int rc = zc_tx_put_json(t, ZC_T_ENTRIES, code, ent);
	json_decref(ent);
	free(code);
	return rc;
}

typedef struct entry_walk {
	zc_entry_rec_fn fn;
	void *arg;
	int rc;
} entry_walk;

static int entry_one(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	entry_walk *w = arg;
	zc_entry e;
	if (zc_entry_decode(v, vl, &e) != ZC_OK)
		return 0;	/* damaged: check says so */
	w->rc = w->fn(&e, w->arg);
	zc_entry_clear(&e);
	return w->rc != 0;
}

int zc_tx_entries_all(zc_txn *t, zc_entry_rec_fn fn, void *arg)
{
	entry_walk w = {fn, arg, 0};
	int rc = zc_tx_scan(t, ZC_T_ENTRIES, NULL, 0, entry_one, &w);
	return rc != ZC_OK ? rc : w.rc;
}

int zc_tx_entries_clear(zc_txn *t)
{
	return zc_tx_clear(t, ZC_T_ENTRIES);
}

/* ---- the meta records of the selection: their codecs, the only code that names their fields */

const char *const ZC_REASONS[ZC_NREASONS] = {"issuer", "off-topic", "type", "interpretation", "forwarded",
					     "invalid", "duplicate", "out-of-range", "unparseable"};

/* o written as meta name, and let go; ZC_EPARSE when a field could not be set (bad UTF-8) */
static int meta_object_put(zc_txn *t, const char *name, json_t *o, int ok)
{
	int rc = ok ? zc_tx_put_json(t, ZC_T_META, name, o) : ZC_EPARSE;
	json_decref(o);
	return rc;
}

static int set_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, json_string(v ? v : "")) == 0;
}

static int set_count(json_t *o, const char *k, size_t n)
{
	return json_object_set_new(o, k, json_integer((json_int_t)n)) == 0;
}

/* a count as it was written, 0 when absent or not a count */
static size_t count_of(json_t *o, const char *k)
{
	json_int_t v = json_integer_value(json_object_get(o, k));
	return v > 0 ? (size_t)v : 0;
}

/* meta "selection": {pages, included, national, provincial, entries, excluded: {REASON: n}} */
void zc_selection_counts_init(zc_selection_counts *c)
{
	memset(c, 0, sizeof *c);
}

void zc_selection_counts_clear(zc_selection_counts *c)
{
	json_decref(c->own_);
	zc_selection_counts_init(c);
}

int zc_tx_selection_counts_get(zc_txn *t, zc_selection_counts *c)
{
	json_t *o = NULL;
	zc_selection_counts_init(c);
	int rc = zc_tx_get_object(t, ZC_T_META, "selection", &o);
	if (rc != ZC_OK)
		return rc;
	c->pages = count_of(o, "pages");
	c->included = count_of(o, "included");
	c->national = count_of(o, "national");
	c->provincial = count_of(o, "provincial");
	c->entries = count_of(o, "entries");
	json_t *ex = json_object_get(o, "excluded");
	for (int i = 0; i < ZC_NREASONS; i++)
		c->excluded[i] = count_of(ex, ZC_REASONS[i]);
	c->own_ = o;
	return ZC_OK;
}

int zc_tx_selection_counts_put(zc_txn *t, const zc_selection_counts *c)
{
	json_t *o = zc_record_base(c->own_);
	int ok = set_count(o, "pages", c->pages) && set_count(o, "included", c->included) &&
		 set_count(o, "national", c->national) && set_count(o, "provincial", c->provincial) &&
		 set_count(o, "entries", c->entries);
	json_t *ex = json_object_get(o, "excluded");
	if (!json_is_object(ex)) {
		ex = json_object();
		ok = ok && json_object_set_new(o, "excluded", ex) == 0;
	}
	for (int i = 0; i < ZC_NREASONS && ok; i++)
		ok = set_count(ex, ZC_REASONS[i], c->excluded[i]);
	return meta_object_put(t, "selection", o, ok);
}

/* meta "profile_record": {name, sha256, criteria, zhengce} */
void zc_profile_record_init(zc_profile_record *r)
{
	*r = (zc_profile_record){"", "", "", "", NULL};
}

void zc_profile_record_clear(zc_profile_record *r)
{
	json_decref(r->own_);
	zc_profile_record_init(r);
}

int zc_tx_profile_record_get(zc_txn *t, zc_profile_record *r)
{
	json_t *o = NULL;
	zc_profile_record_init(r);
	int rc = zc_tx_get_object(t, ZC_T_META, "profile_record", &o);
	if (rc != ZC_OK)
		return rc;
	r->name = zc_jstr(o, "name");
	r->sha256 = zc_jstr(o, "sha256");
	r->criteria = zc_jstr(o, "criteria");
	r->zhengce = zc_jstr(o, "zhengce");
	r->own_ = o;
	return ZC_OK;
}

static int profile_record_put(zc_txn *t, const zc_profile_record *r)
{
	json_t *o = zc_record_base(r->own_);
	int ok = set_str(o, "name", r->name) && set_str(o, "sha256", r->sha256) && set_str(o, "criteria", r->criteria) &&
		 set_str(o, "zhengce", r->zhengce);
	return meta_object_put(t, "profile_record", o, ok);
}

/* meta "selection_of": "zhengce VERSION|pages REV|PROFILE-JSON" */
static char *made_from(const char *version, uint64_t pages_rev, const char *profile)
{
	return zc_asprintf("zhengce %s|pages %llu|%s", version, (unsigned long long)pages_rev, profile);
}

int zc_tx_selection_of_put(zc_txn *t, const char *version, uint64_t pages_rev, const char *profile)
{
	if (!profile) {
		int rc = zc_tx_del(t, ZC_T_META, "selection_of", strlen("selection_of"));
		return rc == ZC_ENOTFOUND ? ZC_OK : rc;
	}
	char *v = made_from(version, pages_rev, profile);
	int rc = zc_tx_meta_put(t, "selection_of", v);
	free(v);
	return rc;
}

int zc_tx_selection_of_is(zc_txn *t, const char *version, uint64_t pages_rev, const char *profile, int *same)
{
	char *have = NULL;
	*same = 0;
	int rc = profile ? zc_tx_meta_get(t, "selection_of", &have) : ZC_ENOTFOUND;
	if (rc == ZC_ENOTFOUND)
		return ZC_OK;
	if (rc == ZC_OK) {
		char *want = made_from(version, pages_rev, profile);
		*same = !strcmp(have, want);
		free(want);
	}
	free(have);
	return rc;
}

int zc_tx_profile_get(zc_txn *t, char **name)
{
	return zc_tx_meta_get(t, "profile", name);
}

int zc_tx_profile_put(zc_txn *t, const char *name, const zc_profile_record *r)
{
	int rc = zc_tx_meta_put(t, "profile", name);
	return rc == ZC_OK ? profile_record_put(t, r) : rc;
}

/* meta "search_keywords": ["word", ...] */
void zc_search_keywords_clear(zc_search_keywords *k)
{
	free(k->words);
	json_decref(k->own_);
	*k = (zc_search_keywords){NULL, 0, NULL};
}

int zc_tx_search_keywords_get(zc_txn *t, zc_search_keywords *k)
{
	json_t *a = NULL;
	*k = (zc_search_keywords){NULL, 0, NULL};
	int rc = zc_tx_get_json(t, ZC_T_META, "search_keywords", &a);
	if (rc == ZC_OK && !json_is_array(a))
		rc = ZC_EPARSE;
	if (rc != ZC_OK) {
		json_decref(a);
		return rc;
	}
	k->words = zc_calloc(json_array_size(a) + 1, sizeof *k->words);
	for (size_t i = 0; i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)))
			k->words[k->n++] = json_string_value(json_array_get(a, i));
	k->own_ = a;
	return ZC_OK;
}

int zc_tx_search_keywords_put(zc_txn *t, const char *const *words, size_t n)
{
	json_t *a = json_array();
	int ok = 1;
	for (size_t i = 0; i < n && ok; i++)
		ok = json_array_append_new(a, json_string(words[i])) == 0;
	int rc = ok ? zc_tx_put_json(t, ZC_T_META, "search_keywords", a) : ZC_EPARSE;
	json_decref(a);
	return rc;
}
