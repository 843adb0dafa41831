/* query.c - the pages a query matches, reached through an index where one applies (see index.h). */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

#define ZC_LIST_ITEM 256	/* the longest item of a list that is compared */

/*
 * Whether s is (whole) or contains (substring) one item of list, a comma-separated list of
 * items (one item being the list of one).
 */
static int list_matches(const char *list, const char *s, int substring)
{
	for (const char *it = list;; it++) {
		size_t n = strcspn(it, ",");
		if (n && n < ZC_LIST_ITEM) {
			char item[ZC_LIST_ITEM];
			memcpy(item, it, n);
			item[n] = '\0';
			if (substring ? strstr(s, item) != NULL : !strcmp(s, item))
				return 1;
		}
		it += n;
		if (!*it)
			return 0;
	}
}

int zc_query_matches(const zc_query *q, const zc_page *page)
{
	const zc_page_doc *doc = &page->doc;
	int inc = zc_page_included(page);
	if ((q->which == ZC_Q_INCLUDED && !inc) || (q->which == ZC_Q_EXCLUDED && inc))
		return 0;
	if (q->jurisdiction && !list_matches(q->jurisdiction, zc_page_jurisdiction(page), 0))
		return 0;
	if (q->y1) {
		int y = zc_year_of(zc_page_date(page));
		if (y < q->y1 || y > q->y2)
			return 0;
	}
	if (q->type && !list_matches(q->type, doc->type, 0))
		return 0;
	if (q->issuer) {
		size_t i;
		for (i = 0; i < doc->n_issuers; i++)
			if (list_matches(q->issuer, doc->issuers[i], 1))
				break;
		if (i == doc->n_issuers)
			return 0;
	}
	if (q->keyword && !list_matches(q->keyword, doc->title, 1) && !list_matches(q->keyword, doc->body, 1))
		return 0;
	return 1;
}

/*
 * The order of the rows: by jurisdiction (00 national, then the provinces' codes), within it
 * the included documents by file code as a number (00-2 before 00-10), then the others in page
 * order.  Candidates are gathered with their place first (ids and two numbers each, 24 bytes a
 * page), sorted, and only then read: no page is held while the others are found.
 */
typedef struct cand {
	uint64_t id;
	unsigned jur;		/* the jurisdiction's code as a number; 100 when the page has none */
	uint64_t fc;		/* the file code of an included document, else 0 */
	size_t copy;		/* its copy's index, when the pages are read through a spill */
} cand;

typedef struct qctx {
	const zc_query *q;
	zc_page_each_fn fn;
	void *arg;
	zc_txn *t;
	int rc;			/* what fn returned when it stopped the walk */
	unsigned flags;		/* ZC_PAGE_BODY when fn or the keyword reads the text */
	cand *v;
	size_t n, cap;
	zc_entry_each_fn entry_fn;	/* zc_index_entries: the entries of each document */
} qctx;

static void add(qctx *c, uint64_t id)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = zc_realloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n++] = (cand){id, 100, 0, 0};
}

static int candidate(uint64_t id, void *arg)
{
	add(arg, id);
	return 0;
}

/* a key of jy: jurisdiction(2) year(4) page id (u64 BE) */
static int candidate_jy(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v;
	(void)vl;
	qctx *c = arg;
	if (kl != 14)
		return 0;
	char y[5];
	memcpy(y, (const char *)k + 2, 4);
	y[4] = '\0';
	int year = zc_year_of(y);
	if (c->q->y1 && (year < c->q->y1 || year > c->q->y2))
		return 0;
	return candidate(zc_key_u64((const char *)k + 6), arg);
}

/* a decision record, under its page's id: a candidate when it says included.  The bytes are
   looked at first (zc_rec_has); "included" there may be only the criteria's word, and the
   candidate's merged decision is what zc_query_matches() confirms. */
static int candidate_decision(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	if (kl != 8 || !zc_rec_has(v, vl, "decision", "included"))
		return 0;
	return candidate(zc_key_u64(k), arg);
}

/* every page (excluded or all, or a keyword no index answers): its id from the key alone */
static int candidate_page(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v;
	(void)vl;
	if (kl == 8)
		add(arg, zc_key_u64(k));
	return 0;
}

static int by_place(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->jur != y->jur)
		return x->jur < y->jur ? -1 : 1;
	if ((x->fc == 0) != (y->fc == 0))	/* coded documents first */
		return x->fc == 0 ? 1 : -1;
	if (x->fc != y->fc)
		return x->fc < y->fc ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* a candidate's place from its decision record's fields (zc_tx_decision_fields) */
static void place_one(cand *v, const zc_rec_field f[3])
{
	const char *j = f[0].found == 1 ? f[0].s : "";
	if (f[0].found == 1 && f[0].len == 2 && j[0] >= '0' && j[0] <= '9' && j[1] >= '0' && j[1] <= '9')
		v->jur = (unsigned)((j[0] - '0') * 10 + (j[1] - '0'));
	if (f[1].found == 1 && f[1].len == 8 && !memcmp(f[1].s, "included", 8) && f[2].found == 2 && f[2].i > 0)
		v->fc = (uint64_t)f[2].i;
}

static const char *const PLACE_KEYS[3] = {"jurisdiction", "decision", "file_code"};

/* a JSON decision record (schema 1 and 2), read whole for its place */
static void place_json(cand *v, const zc_decision *d)
{
	zc_rec_field g[3] = {{1, d->jurisdiction, strlen(d->jurisdiction), 0}, {1, d->decision, strlen(d->decision), 0},
			     {2, NULL, 0, d->file_code}};
	place_one(v, g);
}

/* each candidate's place, from its decision record (a page without one comes last): three
   fields read where they are, not the record decoded (that was a quarter of an export's
   instructions) */
static void place(qctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		zc_rec_field f[3];
		zc_decision d;
		int rc = zc_tx_decision_fields(c->t, c->v[i].id, PLACE_KEYS, 3, f);
		if (rc == ZC_OK) {
			place_one(&c->v[i], f);
		} else if (rc == ZC_EPARSE && zc_tx_decision_get(c->t, c->v[i].id, &d) == ZC_OK) {
			place_json(&c->v[i], &d);
			zc_decision_clear(&d);
		}
		zc_counted_read(c->t->idx);
	}
	if (c->n)
		qsort(c->v, c->n, sizeof *c->v, by_place);
}

/* a page copied to the spill: a candidate, placed from its decision record's bytes as place()
   places it */
static void place_copied(size_t i, uint64_t id, const void *dec, size_t dlen, void *arg)
{
	qctx *c = arg;
	add(c, id);
	cand *v = &c->v[c->n - 1];
	v->copy = i;
	zc_rec_field f[3];
	zc_decision d;
	if (!dec)
		return;
	if (zc_rec_fields_text(dec, dlen, PLACE_KEYS, 3, f) == ZC_OK) {
		place_one(v, f);
	} else if (zc_decision_decode(dec, dlen, &d) == ZC_OK) {
		place_json(v, &d);
		zc_decision_clear(&d);
	}
}

/* a document's entries, gathered to be put in the order of their numbers */
typedef struct ents {
	zc_entry *v;
	size_t n, cap;
} ents;

static int entry_add(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	ents *e = arg;
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->v = zc_realloc(e->v, e->cap * sizeof *e->v);
	}
	if (zc_entry_decode(v, vl, &e->v[e->n]) == ZC_OK)
		e->n++;
	return 0;
}

static int by_number(const void *a, const void *b)
{
	const zc_entry *x = a, *y = b;
	return x->section != y->section ? (x->section < y->section ? -1 : 1) : x->item < y->item ? -1 : x->item > y->item;
}

/* the entries of an included document (its code's prefix, JJ-N-), section by section, item by
   item, as numbers */
static int doc_entries(qctx *c, const zc_page *page)
{
	long fc = page->dec.file_code;
	if (!fc || !zc_page_included(page))
		return 0;
	char prefix[48];
	int n = snprintf(prefix, sizeof prefix, "%s-%ld-", zc_page_jurisdiction(page), fc);
	ents e = {NULL, 0, 0};
	int rc = zc_tx_scan(c->t, ZC_T_ENTRIES, prefix, (size_t)n, entry_add, &e);
	if (e.n)
		qsort(e.v, e.n, sizeof *e.v, by_number);
	for (size_t i = 0; i < e.n; i++) {
		if (rc == ZC_OK && (rc = c->entry_fn(&e.v[i], page, c->arg)) != 0)
			c->rc = rc;
		zc_entry_clear(&e.v[i]);
	}
	free(e.v);
	return rc;
}

/* the candidates, in order: each read, confirmed and handed on once (an id found twice, by two
   keywords, is read once) */
static int each_candidate(const zc_page *page, void *arg)
{
	qctx *c = arg;
	if (!zc_query_matches(c->q, page))
		return 0;
	return c->entry_fn ? doc_entries(c, page) : c->fn(page, c->arg);
}

/* whether every keyword of the list has two characters or more (the pair index answers it) */
static int keywords_indexed(const char *list)
{
	for (const char *it = list;; it++) {
		size_t n = strcspn(it, ","), chars = 0;
		for (size_t i = 0; i < n; i++)
			chars += ((unsigned char)it[i] & 0xC0) != 0x80;
		if (chars < 2)
			return 0;
		it += n;
		if (!*it)
			return 1;
	}
}

static int gather(qctx *c)
{
	zc_txn *t = c->t;
	int rc;
	/* keywords: each one's pairs' candidates (a page with two of them is one candidate); a
	   keyword without two word characters side by side (《》, "a b") has no pair to look up,
	   and the walks below find its pages */
	if (c->q->keyword && keywords_indexed(c->q->keyword)) {
		rc = ZC_OK;
		for (const char *it = c->q->keyword; rc == ZC_OK;) {
			size_t n = strcspn(it, ",");
			char *word = zc_asprintf("%.*s", (int)n, it);
			rc = zc_tx_pairs_find(t, word, candidate, c);
			free(word);
			it += n;
			if (!*it)
				break;
			it++;
		}
		if (rc != ZC_EUSAGE)
			return rc;
		c->n = 0;
	}
	/* jurisdictions' included documents: each one's range of the jurisdiction-year index */
	if (c->q->jurisdiction && c->q->which == ZC_Q_INCLUDED) {
		rc = ZC_OK;
		for (const char *j = c->q->jurisdiction; rc == ZC_OK;) {
			size_t n = strcspn(j, ",");
			if (n == 2)
				rc = zc_tx_scan(t, ZC_T_JY, j, 2, candidate_jy, c);
			j += n;
			if (!*j)
				break;
			j++;
		}
		return rc;
	}
	/* the included documents, from the decisions: not every page's text */
	if (c->q->which == ZC_Q_INCLUDED)
		return zc_tx_scan(t, ZC_T_DECISIONS, NULL, 0, candidate_decision, c);
	return zc_tx_scan(t, ZC_T_PAGES, NULL, 0, candidate_page, c);
}

/* whether gather() would list every page (no index narrows the query) */
static int every_page(const zc_query *q)
{
	return !(q->keyword && keywords_indexed(q->keyword)) && q->which != ZC_Q_INCLUDED;
}

static int by_id(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* the query's pages through a spill (internal.h, zc_tx_pages_copy): copied in one pass in id
   order, placed as they are copied, then read in the rows' order.  0 when no spill could be
   made (the candidates are then to be gathered again: nothing was handed on); else 1, and *rc
   what the walk gave. */
static int query_spilled(qctx *c, int every, int *rc)
{
	uint64_t *ids = NULL;
	size_t n = 0;
	if (!every) {
		qsort(c->v, c->n, sizeof *c->v, by_id);
		ids = zc_calloc(c->n ? c->n : 1, sizeof *ids);
		for (size_t i = 0; i < c->n; i++)
			if (!n || c->v[i].id != ids[n - 1])
				ids[n++] = c->v[i].id;	/* an id two keywords found, once */
	}
	c->n = 0;
	zc_copies *cp;
	int made = zc_tx_pages_copy(c->t, ids, n, c->flags, place_copied, c, &cp) == ZC_OK;
	free(ids);
	if (!made) {
		c->n = 0;
		return 0;
	}
	if (c->n)
		qsort(c->v, c->n, sizeof *c->v, by_place);
	size_t *order = zc_calloc(c->n ? c->n : 1, sizeof *order);
	for (size_t i = 0; i < c->n; i++)
		order[i] = c->v[i].copy;
	*rc = zc_tx_copies_walk(c->t, cp, order, c->n, each_candidate, c);
	free(order);
	zc_copies_free(&cp);
	return 1;
}

static int query_txn(zc_txn *t, void *arg)
{
	qctx *c = arg;
	c->t = t;
	c->n = 0;
	int every = every_page(c->q), rc = ZC_OK, gathered = !every;
	uint64_t pages = 0;
	if (gathered && (rc = gather(c)) != ZC_OK)
		return rc;
	if (every && zc_tx_pages_count(t, &pages) != ZC_OK)
		pages = 0;
	size_t n = every ? (size_t)pages : c->n;
	if (n && n >= zc_spill_min) {
		if (query_spilled(c, every, &rc))
			return rc;
		gathered = 0;	/* no spill: the candidates again, read where they lie */
	}
	if (!gathered && (rc = gather(c)) != ZC_OK)
		return rc;
	place(c);
	/* an id two keywords found, once */
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++)
		if (!k || c->v[i].id != c->v[k - 1].id)
			c->v[k++] = c->v[i];
	c->n = k;
	uint64_t *ids = zc_calloc(c->n ? c->n : 1, sizeof *ids);
	for (size_t i = 0; i < c->n; i++)
		ids[i] = c->v[i].id;
	rc = zc_tx_pages_read(t, ids, c->n, c->flags, each_candidate, c);
	free(ids);
	return rc;
}

int zc_index_query(zc_index *idx, const zc_query *q, zc_page_each_fn fn, void *arg)
{
	qctx c = {q, fn, arg, NULL, 0, q->body || q->keyword ? ZC_PAGE_BODY : 0, NULL, 0, 0, NULL};
	int rc = zc_index_read(idx, query_txn, &c);
	free(c.v);
	return rc;
}

int zc_index_entries(zc_index *idx, const zc_query *q, zc_entry_each_fn fn, void *arg)
{
	zc_query inc = *q;
	inc.which = ZC_Q_INCLUDED;	/* only included documents have entries */
	qctx c = {&inc, NULL, arg, NULL, 0, q->body || q->keyword ? ZC_PAGE_BODY : 0, NULL, 0, 0, fn};
	int rc = zc_index_read(idx, query_txn, &c);
	free(c.v);
	return rc;
}

typedef struct dctx {
	zc_decision_each_fn fn;
	void *arg;
	int rc;
} dctx;

static int each_decision(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	dctx *d = arg;
	zc_decision dec;
	if (zc_decision_decode(v, vl, &dec) == ZC_OK)
		d->rc = d->fn(&dec, d->arg);
	zc_decision_clear(&dec);
	return d->rc != 0;
}

int zc_tx_decisions_each(zc_txn *t, zc_decision_each_fn fn, void *arg)
{
	dctx d = {fn, arg, 0};
	int rc = zc_tx_scan(t, ZC_T_DECISIONS, NULL, 0, each_decision, &d);
	return rc != ZC_OK ? rc : d.rc;
}

int zc_code_parse(const char *code, long n[4])
{
	int k = 0;
	const char *p = code;
	while (k < 4) {
		if (*p < '0' || *p > '9')
			return 0;
		char *end;
		n[k++] = strtol(p, &end, 10);
		if (end - p > 9 || (k == 1 && (end - p > 2)))
			return 0;
		p = end;
		if (!*p)
			break;
		if (*p++ != '-')
			return 0;
	}
	return !*p && (k == 2 || k == 4) ? k : 0;
}

int zc_tx_code_page(zc_txn *t, const char *code, uint64_t *id)
{
	long n[4];
	if (zc_code_parse(code, n) != 2)
		return ZC_ENOTFOUND;
	char juris[24];
	snprintf(juris, sizeof juris, "%02ld", n[0]);
	char *key = zc_file_code(juris, n[1]);
	int rc = zc_tx_file_code_get(t, key, id);
	if (rc == ZC_OK && !*id)
		rc = ZC_EPARSE;	/* not a page id */
	free(key);
	return rc;
}

int zc_tx_entry_get(zc_txn *t, const char *code, zc_entry *entry)
{
	long n[4];
	if (zc_code_parse(code, n) != 4) {
		zc_entry_init(entry);
		return ZC_ENOTFOUND;
	}
	char key[64];
	snprintf(key, sizeof key, "%02ld-%ld-%ld-%ld", n[0], n[1], n[2], n[3]);
	return zc_entry_get(t, key, entry);
}
