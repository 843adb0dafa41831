/*
 * finals.c - the final codes as analysis reads them (coding.h): every entry's, in entry-code
 * order, flagged when the entry left the selection or its text changed since it was coded.
 */
#include "coding.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

int zc_entry_code_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			while (*a == '0' && a[1] >= '0' && a[1] <= '9')
				a++;
			while (*b == '0' && b[1] >= '0' && b[1] <= '9')
				b++;
			size_t la = strspn(a, "0123456789"), lb = strspn(b, "0123456789");
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(a, b, la);
			if (c)
				return c;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

typedef struct item {
	char *entry;
	json_t *rec;
} item;

typedef struct collect {
	item *v;
	size_t n, cap;
} collect;

static int collect_one(const char *entry, json_t *rec, void *arg)
{
	collect *c = arg;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->v = zc_realloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n].entry = zc_strdup(entry);
	c->v[c->n++].rec = json_incref(rec);
	return 0;
}

static int item_cmp(const void *a, const void *b)
{
	return zc_entry_code_cmp(((const item *)a)->entry, ((const item *)b)->entry);
}

typedef struct finals_ctx {
	zc_finals_fn fn;
	void *arg;
	int result;
} finals_ctx;

/* the flags of a record made of an entry whose text had hash sha: left or changed */
static unsigned entry_flags(zc_txn *t, const char *entry, const char *sha, char **doc_code)
{
	zc_entry ent;
	unsigned flags = 0;
	if (zc_tx_entry_get(t, entry, &ent) != ZC_OK) {
		zc_entry_clear(&ent);
		return ZC_FINAL_LEFT;
	}
	char now[65];
	zc_text_sha256(ent.text, strlen(ent.text), now);
	if (sha && *sha && strcmp(sha, now))
		flags |= ZC_FINAL_CHANGED;
	if (doc_code)
		*doc_code = zc_strdup(ent.doc_code);
	zc_entry_clear(&ent);
	return flags;
}

static int finals_txn(zc_txn *t, void *arg)
{
	finals_ctx *fc = arg;
	collect c = {NULL, 0, 0};
	int rc = zc_tx_finals_each(t, collect_one, &c);
	if (rc == ZC_OK && c.n) /* qsort's array may not be NULL, even for no items */
		qsort(c.v, c.n, sizeof *c.v, item_cmp);
	for (size_t i = 0; i < c.n; i++) {
		if (rc == ZC_OK && !fc->result) {
			json_t *rec = c.v[i].rec, *codes = json_object_get(rec, "codes"), *rels = json_array(), *pairs;
			const char *cat;
			json_object_foreach(json_object_get(rec, "relations"), cat, pairs) {
				size_t k;
				json_t *p;
				json_array_foreach(pairs, k, p)
					json_array_append_new(rels, json_pack("{s:s,s:O,s:O}", "category", cat, "source",
									      json_array_get(p, 0), "target", json_array_get(p, 1)));
			}
			char *doc = NULL;
			unsigned flags = entry_flags(t, c.v[i].entry, json_string_value(json_object_get(rec, "text_sha256")), &doc);
			if (!doc) {	/* left the selection: the code before its last '-' */
				doc = zc_strdup(c.v[i].entry);
				char *d = strrchr(doc, '-');
				if (d) {
					*d = '\0';
					if ((d = strrchr(doc, '-')))
						*d = '\0';
				}
			}
			zc_final_codes f = {c.v[i].entry, doc, codes ? codes : json_object(), rels, rec, flags};
			fc->result = fc->fn(&f, fc->arg);
			if (!codes)
				json_decref(f.codes);
			json_decref(rels);
			free(doc);
		}
		free(c.v[i].entry);
		json_decref(c.v[i].rec);
	}
	free(c.v);
	return rc;
}

int zc_coding_finals_each(zc_index *idx, zc_finals_fn fn, void *arg)
{
	finals_ctx fc = {fn, arg, 0};
	int rc = zc_index_read(idx, finals_txn, &fc);
	return rc != ZC_OK ? rc : fc.result;
}
