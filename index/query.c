/* query.c - the pages a query matches, reached through an index where one applies (see index.h). */
#include "index.h"
#include "record.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

#define ZC_LIST_ITEM 256	/* the longest item of a list that is compared */

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

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

int zc_query_matches(const zc_query *q, json_t *page)
{
	json_t *doc = json_object_get(page, "doc");
	int inc = !strcmp(str(page, "decision"), "included");
	if ((q->which == ZC_Q_INCLUDED && !inc) || (q->which == ZC_Q_EXCLUDED && inc))
		return 0;
	if (q->jurisdiction && !list_matches(q->jurisdiction, str(page, "jurisdiction"), 0))
		return 0;
	if (q->y1) {
		const char *w = *str(doc, "written_date") ? str(doc, "written_date") : str(doc, "published_date");
		int y = zc_year_of(w);
		if (y < q->y1 || y > q->y2)
			return 0;
	}
	if (q->type && !list_matches(q->type, str(doc, "type"), 0))
		return 0;
	if (q->issuer) {
		json_t *iss = json_object_get(doc, "issuers");
		size_t i;
		for (i = 0; i < json_array_size(iss); i++) {
			const char *s = json_string_value(json_array_get(iss, i));
			if (s && list_matches(q->issuer, s, 1))
				break;
		}
		if (i == json_array_size(iss))
			return 0;
	}
	if (q->keyword && !list_matches(q->keyword, str(doc, "title"), 1) && !list_matches(q->keyword, str(doc, "body"), 1))
		return 0;
	return 1;
}

typedef struct qctx {
	const zc_query *q;
	zc_page_each_fn fn;
	void *arg;
	zc_txn *t;
	int rc;			/* what fn returned when it stopped the walk */
	unsigned flags;		/* ZC_PAGE_BODY when fn or the keyword reads the text */
} qctx;

/* one candidate of an index: read it, confirm it, hand it on */
static int candidate(uint64_t id, void *arg)
{
	qctx *c = arg;
	json_t *page;
	if (zc_tx_page_read(c->t, id, c->flags, &page) != ZC_OK)
		return 0;
	if (zc_query_matches(c->q, page))
		c->rc = c->fn(page, c->arg);
	json_decref(page);
	return c->rc != 0;
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

static int each_match(json_t *page, void *arg)
{
	qctx *c = arg;
	return zc_query_matches(c->q, page) ? c->fn(page, c->arg) : 0;
}

static int query_txn(zc_txn *t, void *arg)
{
	qctx *c = arg;
	c->t = t;
	int rc;
	/* one keyword: its pairs' candidates (several would each give a page that has two of
	   them: the walk below confirms each page once) */
	if (c->q->keyword && !strchr(c->q->keyword, ',')) {
		rc = zc_tx_pairs_find(t, c->q->keyword, candidate, c);
		if (rc != ZC_EUSAGE)	/* a keyword of one character has no pair: walk */
			return rc != ZC_OK ? rc : c->rc;
	}
	/* jurisdictions' included documents: each one's range of the jurisdiction-year index, in
	   the list's order (a page has one jurisdiction: none comes twice) */
	if (c->q->jurisdiction && c->q->which == ZC_Q_INCLUDED) {
		rc = ZC_OK;
		for (const char *j = c->q->jurisdiction; rc == ZC_OK && !c->rc;) {
			size_t n = strcspn(j, ",");
			if (n == 2)
				rc = zc_tx_scan(t, ZC_T_JY, j, 2, candidate_jy, c);
			j += n;
			if (!*j)
				break;
			j++;
		}
		return rc != ZC_OK ? rc : c->rc;
	}
	if (c->q->which == ZC_Q_INCLUDED) {
		/* the included documents, in page order, from the decisions: not every page's text */
		rc = zc_tx_scan(t, ZC_T_DECISIONS, NULL, 0, candidate_decision, c);
		return rc != ZC_OK ? rc : c->rc;
	}
	return zc_tx_pages_walk(t, c->flags, each_match, c);
}

int zc_index_query(zc_index *idx, const zc_query *q, zc_page_each_fn fn, void *arg)
{
	qctx c = {q, fn, arg, NULL, 0, q->body || q->keyword ? ZC_PAGE_BODY : 0};
	return zc_index_read(idx, query_txn, &c);
}

typedef struct dctx {
	zc_page_each_fn fn;
	void *arg;
	int rc;
} dctx;

static int each_decision(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	dctx *d = arg;
	json_t *dec = zc_record_parse(v, vl);
	if (dec)
		d->rc = d->fn(dec, d->arg);
	json_decref(dec);
	return d->rc != 0;
}

int zc_tx_decisions_each(zc_txn *t, zc_page_each_fn fn, void *arg)
{
	dctx d = {fn, arg, 0};
	int rc = zc_tx_scan(t, ZC_T_DECISIONS, NULL, 0, each_decision, &d);
	return rc != ZC_OK ? rc : d.rc;
}
