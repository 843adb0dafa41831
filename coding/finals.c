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

typedef struct collect {
	char **v;
	size_t n, cap;
} collect;

static int collect_one(const zc_final *f, void *arg)
{
	collect *c = arg;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->v = zc_realloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n++] = zc_strdup(f->entry);
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return zc_entry_code_cmp(*(char *const *)a, *(char *const *)b);
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

/* the document code of an entry code: the code before its last two '-' (new string) */
static char *doc_of(const char *entry)
{
	char *doc = zc_strdup(entry), *d = strrchr(doc, '-');
	if (d) {
		*d = '\0';
		if ((d = strrchr(doc, '-')))
			*d = '\0';
	}
	return doc;
}

/* the entry's final codes to fc's callback */
static int final_call(finals_ctx *fc, zc_txn *t, const char *entry)
{
	zc_final rec;
	int rc = zc_tx_final_get(t, entry, &rec);
	if (rc != ZC_OK)
		return rc == ZC_EPARSE ? ZC_OK : rc;	/* damaged: check reports it */
	char *doc = NULL;
	unsigned flags = entry_flags(t, entry, rec.text_sha256, &doc);
	if (!doc)	/* left the selection */
		doc = doc_of(entry);
	zc_final_codes f = {entry, doc, &rec, flags};
	fc->result = fc->fn(&f, fc->arg);
	free(doc);
	zc_final_clear(&rec);
	return ZC_OK;
}

static int finals_txn(zc_txn *t, void *arg)
{
	finals_ctx *fc = arg;
	collect c = {NULL, 0, 0};
	int rc = zc_tx_finals_each(t, collect_one, &c);
	if (rc == ZC_OK && c.n) /* qsort's array may not be NULL, even for no items */
		qsort(c.v, c.n, sizeof *c.v, entry_cmp);
	for (size_t i = 0; i < c.n; i++) {
		if (rc == ZC_OK && !fc->result)
			rc = final_call(fc, t, c.v[i]);
		free(c.v[i]);
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
