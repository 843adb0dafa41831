/* pairs.c - the character-pair index (postings) of the pages' text: queue, merge, search. */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int word_char(unsigned cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || cp >= 0x20000;
}

/* the pairs of adjacent word characters of s, as (first << 32 | second), appended to *v; folded
   as zc_str_fold() folds (full-width ASCII to ASCII, wide spaces to spaces), without a copy */
static void pairs_add(const char *s, uint64_t **v, size_t *n, size_t *cap)
{
	unsigned prev = 0;
	for (const char *p = s; *p;) {
		unsigned cp;
		p += zc_utf8_next(p, &cp);
		cp = zc_fold_cp(cp);
		if (!word_char(cp)) {
			prev = 0;
			continue;
		}
		if (prev) {
			if (*n == *cap) {
				*cap *= 2;
				*v = zc_realloc(*v, *cap * sizeof **v);
			}
			(*v)[(*n)++] = ((uint64_t)prev << 32) | cp;
		}
		prev = cp;
	}
}

/* the pairs of adjacent word characters of a and of b (NULL: none), with repeats, unsorted; no
   pair across the two, as if a line stood between them */
static uint64_t *pairs_of(const char *a, const char *b, size_t *n)
{
	size_t cap = 64;
	uint64_t *v = zc_malloc(cap * sizeof *v);
	*n = 0;
	pairs_add(a, &v, n, &cap);
	if (b)
		pairs_add(b, &v, n, &cap);
	return v;
}

static size_t utf8_put(unsigned cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

static size_t pair_key(uint64_t pr, unsigned char out[8])
{
	size_t n = utf8_put((unsigned)(pr >> 32), out);
	return n + utf8_put((unsigned)(pr & 0xFFFFFFFFu), out + n);
}

/*
 * A stable LSD radix sort of n records of sz bytes (8 or 16) on the uint64_t each starts with,
 * a character pair (first << 32 | second): code points are below 2^21, so the pairs differ in
 * bytes 0-2 and 4-6 only, six passes at most; a pass whose byte is the same in every record
 * (the third byte of characters in the Basic Multilingual Plane, where Chinese text is) moves
 * nothing and is skipped.  Against qsort(): 3% less CPU for a scale-1 crawl, 5% at scale 100
 * (every stored page sorts its pairs, the merge sorts its postings).  Always inlined into its
 * two callers, so that each is compiled for its record size (-O2 does not clone it): 19 M
 * fewer instructions a scale-1 crawl than one body reading sz at run time.
 */
static inline __attribute__((always_inline)) void sort_by_pair(void *base, size_t n, size_t sz)
{
	static const int bytes[6] = {0, 1, 2, 4, 5, 6};
	unsigned char *a = base, *b = zc_malloc(n * sz + 1), *tmp = b;
	for (int p = 0; p < 6; p++) {
		size_t count[257] = {0};
		int sh = bytes[p] * 8;
		uint64_t k;
		for (size_t i = 0; i < n; i++) {
			memcpy(&k, a + i * sz, 8);
			count[((k >> sh) & 0xff) + 1]++;
		}
		int same = 0;
		for (int c = 1; c <= 256 && !same; c++)
			same = count[c] == n;
		if (same)
			continue;
		for (int c = 0; c < 256; c++)
			count[c + 1] += count[c];
		for (size_t i = 0; i < n; i++) {
			memcpy(&k, a + i * sz, 8);
			memcpy(b + count[(k >> sh) & 0xff]++ * sz, a + i * sz, sz);	/* sz is known: inlined */
		}
		unsigned char *t = a;
		a = b;
		b = t;
	}
	if (a != base)	/* an odd number of passes moved the records */
		memcpy(base, a, n * sz);
	free(tmp);
}

/* the distinct character pairs of a page's title and body, sorted */
static uint64_t *page_pairs(const char *title, const char *body, size_t *n)
{
	uint64_t *v = pairs_of(title ? title : "", body ? body : "", n);
	sort_by_pair(v, *n, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (!k || v[i] != v[k - 1])
			v[k++] = v[i];
	*n = k;
	return v;
}

/* queued, not inserted: one write at the end of pairq per page (see zc_index_merge_pairs) */
int zc_pairs_queue(zc_txn *t, const char *title, const char *body, uint64_t id)
{
	size_t n;
	uint64_t *v = page_pairs(title, body, &n);
	unsigned char idk[8];
	zc_u64_key(id, idk);
	MDB_val k = {8, idk}, val = {n * sizeof *v, v};
	int rc = zc_db_err(mdb_put(t->txn, dbi(t, ZC_T_PAIRQ), &k, &val, 0));
	free(v);
	return rc;
}

/* whether v's u64s, ascending and unaligned, hold x: big-endian (a chunk of postings) when
   be, else in the machine's order (a queued record's pairs) */
static int sorted_has(const MDB_val *v, uint64_t x, int be)
{
	size_t lo = 0, hi = v->mv_size / 8;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = (const char *)v->mv_data + mid * 8;
		uint64_t y;
		if (be)
			y = zc_key_u64(p);
		else
			memcpy(&y, p, 8);
		if (y == x)
			return 1;
		if (y < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The character-pair index, table postings: a pair's page ids, ascending, in chunks of up to
 * CHUNK ids, each chunk under the key (pair, its first id), both u64 big-endian, so that a
 * pair's chunks lie side by side in id order and one seek finds the chunk an id belongs in.
 * Schema 3 kept one LMDB duplicate per (pair, page) in grams; LMDB inserts duplicates one at a
 * time, each growing the pair's sub-page by a copy of it: some 800 instructions a posting, 5% of
 * a scale-1 crawl, where a chunk written whole costs a fifth of that (docs/PERFORMANCE.md).
 */
#define CHUNK 120	/* 960 bytes: four chunks to an LMDB page, never an overflow page */

static void chunk_key(uint64_t pair, uint64_t first, unsigned char k[16])
{
	zc_u64_key(pair, k);
	zc_u64_key(first, k + 8);
}

static int chunk_of(const MDB_val *k, uint64_t pair)
{
	return k->mv_size == 16 && zc_key_u64(k->mv_data) == pair;
}

static uint64_t chunk_first(const MDB_val *k)
{
	return zc_key_u64((const char *)k->mv_data + 8);
}

/* c on the chunk of pair that would hold id, the last whose first id is at most id: 1; else,
   id being below all of the pair's chunks, c on its first chunk: 2; 0 when the pair has none */
static int chunk_find(MDB_cursor *c, uint64_t pair, uint64_t id, MDB_val *k, MDB_val *v)
{
	unsigned char kb[16];
	chunk_key(pair, id, kb);
	k->mv_size = 16;
	k->mv_data = kb;
	int mrc = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
	int above = mrc == 0 && chunk_of(k, pair);
	if (above && chunk_first(k) == id)
		return 1;
	if (mdb_cursor_get(c, k, v, mrc == 0 ? MDB_PREV : MDB_LAST) == 0 && chunk_of(k, pair))
		return 1;
	return above && mdb_cursor_get(c, k, v, MDB_NEXT) == 0 ? 2 : 0;
}

/* the pair a key of grams (schema 3: its two characters in UTF-8) stands for; 0 if damaged */
static uint64_t grams_pair(const MDB_val *k)
{
	char s[9];
	unsigned a, b;
	if (k->mv_size < 2 || k->mv_size > 8)
		return 0;
	memcpy(s, k->mv_data, k->mv_size);
	s[k->mv_size] = '\0';
	size_t n = (size_t)zc_utf8_next(s, &a);
	if (!a || n >= k->mv_size)
		return 0;
	n += (size_t)zc_utf8_next(s + n, &b);
	return b && n == k->mv_size ? ((uint64_t)a << 32) | b : 0;
}

/* Where a search looks a posting up: postings, and grams while a corpus of schema 3 has it
   (each pair is in one of the two: the merge moves a pair whole). */
typedef struct pair_look {
	MDB_cursor *post, *grams;
} pair_look;

static void look_open(zc_txn *t, pair_look *l)
{
	l->post = l->grams = NULL;
	if (t->idx->have_postings && mdb_cursor_open(t->txn, dbi(t, ZC_T_POSTINGS), &l->post) != 0)
		l->post = NULL;
	if (t->idx->have_grams && mdb_cursor_open(t->txn, t->idx->grams, &l->grams) != 0)
		l->grams = NULL;
}

static void look_close(pair_look *l)
{
	if (l->post)
		mdb_cursor_close(l->post);
	if (l->grams)
		mdb_cursor_close(l->grams);
}

static int look_has(pair_look *l, uint64_t pair, uint64_t id)
{
	MDB_val k, v;
	if (l->post && chunk_find(l->post, pair, id, &k, &v) == 1 && sorted_has(&v, id, 1))
		return 1;
	if (!l->grams)
		return 0;
	unsigned char kb[8], idk[8];
	zc_u64_key(id, idk);
	k.mv_size = pair_key(pair, kb);
	k.mv_data = kb;
	v.mv_size = 8;
	v.mv_data = idk;
	return mdb_cursor_get(l->grams, &k, &v, MDB_GET_BOTH) == 0;
}

/* whether the index holds every pair of v for id */
static int look_has_all(pair_look *l, const uint64_t *v, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (!look_has(l, v[i], id))
			return 0;
	return 1;
}

/* the ids pair has in the index (postings and grams), counted up to cap: a pair above cap
   only needs to be known as above it */
static uint64_t pair_count(pair_look *l, uint64_t pair, uint64_t cap)
{
	MDB_val k, v;
	uint64_t n = 0;
	if (l->post) {
		unsigned char kb[16];
		chunk_key(pair, 0, kb);
		k.mv_size = 16;
		k.mv_data = kb;
		int mrc = mdb_cursor_get(l->post, &k, &v, MDB_SET_RANGE);
		while (mrc == 0 && chunk_of(&k, pair) && n <= cap) {
			n += v.mv_size / 8;
			mrc = mdb_cursor_get(l->post, &k, &v, MDB_NEXT);
		}
	}
	if (l->grams && n <= cap) {
		unsigned char kb[8];
		k.mv_size = pair_key(pair, kb);
		k.mv_data = kb;
		size_t dups;
		if (mdb_cursor_get(l->grams, &k, &v, MDB_SET_KEY) == 0 && mdb_cursor_count(l->grams, &dups) == 0)
			n += dups;
	}
	return n;
}

typedef struct pair_n {
	uint64_t pair, n;
} pair_n;

static int by_count(const void *a, const void *b)
{
	const pair_n *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n ? -1 : 1) : (x->pair > y->pair) - (x->pair < y->pair);
}

/*
 * The word's distinct pairs, rarest first: its candidates are walked from the rarest pair's
 * postings and checked against the others in that order, so that a rare word costs as many
 * look-ups as its rarest pair has pages, whatever the others have (a word of a common pair and
 * a rare one was walked from its first pair: every page of 医疗 for 医疗碳汇).  Each count stops
 * at the smallest one so far, so a common pair is counted only that far.
 */
static size_t rarest_first(pair_look *l, uint64_t *v, size_t n)
{
	sort_by_pair(v, n, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || v[i] != v[k - 1])
			v[k++] = v[i];
	pair_n *c = zc_malloc(k * sizeof *c);
	uint64_t least = UINT64_MAX;
	for (size_t i = 0; i < k; i++) {
		c[i] = (pair_n){v[i], pair_count(l, v[i], least)};
		if (c[i].n < least)
			least = c[i].n;
	}
	qsort(c, k, sizeof *c, by_count);
	for (size_t i = 0; i < k; i++)
		v[i] = c[i].pair;
	free(c);
	return k;
}

int zc_tx_pairs_find(zc_txn *t, const char *word, int (*fn)(uint64_t id, void *arg), void *arg)
{
	size_t n;
	uint64_t *v = pairs_of(word, NULL, &n);
	if (n == 0) {
		free(v);
		return ZC_EUSAGE;
	}
	pair_look look;
	MDB_cursor *walk = NULL, *q = NULL;
	MDB_val k, val;
	int stop = 0, mrc;
	look_open(t, &look);
	n = rarest_first(&look, v, n);
	/* the pages of the rarest pair, chunk after chunk, each checked for the other pairs */
	if (t->idx->have_postings && mdb_cursor_open(t->txn, dbi(t, ZC_T_POSTINGS), &walk) == 0) {
		unsigned char kb[16];
		chunk_key(v[0], 0, kb);
		k.mv_size = 16;
		k.mv_data = kb;
		mrc = mdb_cursor_get(walk, &k, &val, MDB_SET_RANGE);
		while (mrc == 0 && chunk_of(&k, v[0]) && !stop) {
			for (size_t i = 0; i < val.mv_size / 8 && !stop; i++) {
				uint64_t id = zc_key_u64((const char *)val.mv_data + i * 8);
				stop = look_has_all(&look, v + 1, n - 1, id) && fn(id, arg);
			}
			zc_counted_read(t->idx);
			mrc = mdb_cursor_get(walk, &k, &val, MDB_NEXT);
		}
		mdb_cursor_close(walk);
	}
	if (!stop && t->idx->have_grams && mdb_cursor_open(t->txn, t->idx->grams, &walk) == 0) {
		unsigned char kb[8];
		k.mv_size = pair_key(v[0], kb);
		k.mv_data = kb;
		mrc = mdb_cursor_get(walk, &k, &val, MDB_SET_KEY);
		while (mrc == 0 && !stop) {
			uint64_t id = zc_key_u64(val.mv_data);
			stop = look_has_all(&look, v + 1, n - 1, id) && fn(id, arg);
			zc_counted_read(t->idx);
			mrc = mdb_cursor_get(walk, &k, &val, MDB_NEXT_DUP);
		}
		mdb_cursor_close(walk);
	}
	/* pages whose pairs are still queued; those found above already (a kill during a merge,
	   a changed page) are not reported twice */
	if (!stop && t->idx->have_pairq && mdb_cursor_open(t->txn, dbi(t, ZC_T_PAIRQ), &q) == 0) {
		mrc = mdb_cursor_get(q, &k, &val, MDB_FIRST);
		while (mrc == 0 && !stop) {
			int all = 1;
			for (size_t i = 0; i < n && all; i++)
				all = sorted_has(&val, v[i], 0);
			if (all && !look_has_all(&look, v, n, zc_key_u64(k.mv_data)))
				stop = fn(zc_key_u64(k.mv_data), arg);
			zc_counted_read(t->idx);
			mrc = mdb_cursor_get(q, &k, &val, MDB_NEXT);
		}
		mdb_cursor_close(q);
	}
	look_close(&look);
	free(v);
	return ZC_OK;
}

/*
 * The merge.  Up to MERGE_POSTINGS (pair, page id) postings are read from the head of the
 * queue and sorted; they go into postings MERGE_PAIRS distinct pairs per transaction, so that a
 * transaction copies a bounded number of index pages (its dirty pages are heap) and maps a
 * bounded number (trimmed every TRIM_PAIRS pairs); the last transaction of a batch removes its
 * records from the queue.  Adding a posting twice is harmless (postings_add skips it), so a
 * kill anywhere costs at most redoing one batch.
 */
#define MERGE_POSTINGS 65536
#define MERGE_PAIRS 256
#define TRIM_PAIRS 8

typedef struct posting {
	uint64_t pair, id;
} posting;

typedef struct merge {
	zc_index *idx;
	posting *v;
	size_t n, cap;
	size_t pages;		/* queued pages in this batch */
	uint64_t last;		/* the last of them */
	size_t at, end;		/* postings merged; the end of this transaction's share */
	uint64_t *ids, *buf;	/* one pair's ids; postings_add's room */
	size_t ids_cap, buf_cap;
} merge;

/*
 * ids (ascending, distinct) into the chunks of pair.  Each goes into the chunk that would hold
 * it (the pair's first chunk for an id below all of its chunks); one already there is skipped.  A
 * chunk written back with more than CHUNK ids is split: the pair's last chunk into full ones
 * (a new page's id is the pair's highest, so its chunks fill up from the end), any other into
 * even parts.  A chunk whose first id changes moves to its new key.
 */
static int postings_add(MDB_cursor *c, merge *m, uint64_t pair, const uint64_t *ids, size_t n)
{
	MDB_txn *txn = mdb_cursor_txn(c);
	MDB_dbi d = mdb_cursor_dbi(c);
	size_t i = 0;
	while (i < n) {
		MDB_val k, v, nk, nv;
		uint64_t first = 0, limit = UINT64_MAX;
		size_t have = 0;
		int found = chunk_find(c, pair, ids[i], &k, &v) != 0;
		if (found) {
			first = chunk_first(&k);
			have = v.mv_size / 8;
			if (mdb_cursor_get(c, &nk, &nv, MDB_NEXT) == 0 && chunk_of(&nk, pair))
				limit = chunk_first(&nk);
		}
		size_t j = i;
		while (j < n && ids[j] < limit)
			j++;
		/* the chunk's ids and the new ones, merged: in the buffer's second half */
		if (2 * (have + j - i) > m->buf_cap) {
			m->buf_cap = 2 * (have + j - i);
			m->buf = zc_realloc(m->buf, m->buf_cap * sizeof *m->buf);
		}
		uint64_t *old = m->buf, *out = m->buf + have;
		for (size_t x = 0; x < have; x++)
			old[x] = zc_key_u64((const char *)v.mv_data + x * 8);
		size_t a = 0, b = i, total = 0;
		while (a < have || b < j) {
			if (b == j || (a < have && old[a] < ids[b]))
				out[total++] = old[a++];
			else if (a == have || ids[b] < old[a])
				out[total++] = ids[b++];
			else {
				out[total++] = old[a++];	/* there already */
				b++;
			}
		}
		i = j;
		if (total == have)
			continue;
		int mrc;
		if (found && first != out[0]) {
			unsigned char kb[16];
			chunk_key(pair, first, kb);
			MDB_val ok = {16, kb};
			if ((mrc = mdb_del(txn, d, &ok, NULL)) != 0)
				return zc_db_err(mrc);
		}
		size_t pieces = (total + CHUNK - 1) / CHUNK;
		size_t per = limit == UINT64_MAX ? CHUNK : (total + pieces - 1) / pieces;
		for (size_t s = 0; s < total; s += per) {
			size_t cnt = total - s < per ? total - s : per;
			unsigned char kb[16];
			chunk_key(pair, out[s], kb);
			MDB_val pk = {16, kb}, pv = {cnt * 8, NULL};
			if ((mrc = mdb_put(txn, d, &pk, &pv, MDB_RESERVE)) != 0)
				return zc_db_err(mrc);
			for (size_t x = 0; x < cnt; x++)
				zc_u64_key(out[s + x], (unsigned char *)pv.mv_data + x * 8);
		}
	}
	return ZC_OK;
}

static int merge_load(zc_txn *t, void *arg)
{
	merge *m = arg;
	MDB_cursor *q;
	MDB_val k, val;
	m->n = m->pages = 0;
	if (mdb_cursor_open(t->txn, dbi(t, ZC_T_PAIRQ), &q) != 0)
		return ZC_EDB;
	int mrc = mdb_cursor_get(q, &k, &val, MDB_FIRST);
	while (mrc == 0) {
		size_t np = val.mv_size / 8;
		if (m->n && m->n + np > MERGE_POSTINGS)
			break;
		if (m->n + np > m->cap) {
			m->cap = m->n + np > MERGE_POSTINGS ? m->n + np : MERGE_POSTINGS;
			m->v = zc_realloc(m->v, m->cap * sizeof *m->v);
		}
		m->last = zc_key_u64(k.mv_data);
		if (++m->pages % TRIM_PAIRS == 0)
			zc_index_trim(m->idx);
		for (size_t i = 0; i < np; i++) {
			memcpy(&m->v[m->n].pair, (const char *)val.mv_data + i * 8, 8);
			m->v[m->n++].id = m->last;
		}
		mrc = mdb_cursor_get(q, &k, &val, MDB_NEXT);
	}
	mdb_cursor_close(q);
	return mrc == 0 || mrc == MDB_NOTFOUND ? ZC_OK : zc_db_err(mrc);
}

static void ids_room(merge *m, size_t n)
{
	if (n > m->ids_cap) {
		m->ids_cap = n;
		m->ids = zc_realloc(m->ids, n * sizeof *m->ids);
	}
}

static int merge_step(zc_txn *t, void *arg)
{
	merge *m = arg;
	size_t i = m->at, pairs = 0;
	int rc = ZC_OK;
	MDB_cursor *c;
	if (mdb_cursor_open(t->txn, dbi(t, ZC_T_POSTINGS), &c) != 0)
		return ZC_EDB;
	while (i < m->n && rc == ZC_OK && pairs < MERGE_PAIRS) {
		if (++pairs % TRIM_PAIRS == 0)
			zc_index_trim(m->idx);
		/* one pair: its pages' ids, ascending (the queue is read in page order and the sort
		   is stable) */
		size_t j = i + 1;
		while (j < m->n && m->v[j].pair == m->v[i].pair)
			j++;
		ids_room(m, j - i);
		for (size_t x = i; x < j; x++)
			m->ids[x - i] = m->v[x].id;
		rc = postings_add(c, m, m->v[i].pair, m->ids, j - i);
		i = j;
	}
	mdb_cursor_close(c);
	m->end = i;
	if (rc == ZC_OK && i == m->n) {
		/* the batch is in postings: its pages leave the queue */
		MDB_cursor *q;
		MDB_val k, val;
		if (mdb_cursor_open(t->txn, dbi(t, ZC_T_PAIRQ), &q) != 0)
			return ZC_EDB;
		int mrc;
		for (size_t d = 1; (mrc = mdb_cursor_get(q, &k, &val, MDB_FIRST)) == 0 && zc_key_u64(k.mv_data) <= m->last; d++) {
			if ((mrc = mdb_cursor_del(q, 0)) != 0)
				break;
			if (d % TRIM_PAIRS == 0)
				zc_index_trim(m->idx);
		}
		mdb_cursor_close(q);
		if (mrc != 0 && mrc != MDB_NOTFOUND)
			rc = zc_db_err(mrc);
	}
	return rc;
}

/* Schema 3's grams into postings, MERGE_PAIRS pairs a transaction, each pair's ids added and
   its key deleted in the same one; the transaction that finds grams empty drops the table. */
static int grams_step(zc_txn *t, void *arg)
{
	merge *m = arg;
	MDB_cursor *g, *c;
	MDB_val k, v;
	int rc = ZC_OK, mrc = 0;
	if (mdb_cursor_open(t->txn, t->idx->grams, &g) != 0)
		return ZC_EDB;
	if (mdb_cursor_open(t->txn, dbi(t, ZC_T_POSTINGS), &c) != 0) {
		mdb_cursor_close(g);
		return ZC_EDB;
	}
	for (size_t pairs = 0; pairs < MERGE_PAIRS; pairs++) {
		if (pairs % TRIM_PAIRS == TRIM_PAIRS - 1)
			zc_index_trim(m->idx);
		if ((mrc = mdb_cursor_get(g, &k, &v, MDB_FIRST)) != 0)
			break;
		uint64_t pair = grams_pair(&k);
		size_t n = 0;
		for (mrc = mdb_cursor_get(g, &k, &v, MDB_GET_MULTIPLE); mrc == 0;
		     mrc = mdb_cursor_get(g, &k, &v, MDB_NEXT_MULTIPLE)) {
			ids_room(m, n + v.mv_size / 8);
			for (size_t x = 0; x < v.mv_size / 8; x++)
				m->ids[n++] = zc_key_u64((const char *)v.mv_data + x * 8);
		}
		if (mrc != MDB_NOTFOUND)
			break;
		/* a damaged key has no pair to move its ids to: it goes */
		if (pair && (rc = postings_add(c, m, pair, m->ids, n)) != ZC_OK)
			break;
		/* the key and all its ids, the cursor put back on it first */
		if ((mrc = mdb_cursor_get(g, &k, &v, MDB_FIRST)) != 0 || (mrc = mdb_cursor_del(g, MDB_NODUPDATA)) != 0)
			break;
	}
	mdb_cursor_close(c);
	mdb_cursor_close(g);
	if (rc == ZC_OK && mrc == MDB_NOTFOUND) {
		/* empty: the table goes, and with it this handle (whatever the commit says, the next
		   open finds the table or not) */
		t->idx->have_grams = 0;
		mrc = mdb_drop(t->txn, t->idx->grams, 1);
	}
	return rc != ZC_OK ? rc : zc_db_err(mrc == MDB_NOTFOUND ? 0 : mrc);
}

static int queued_count(zc_txn *t, void *arg)
{
	return zc_tx_count(t, ZC_T_PAIRQ, arg);
}

int zc_index_merge_pairs(zc_index *idx, struct zc_progress *prog)
{
	merge m = {.idx = idx};
	int rc = ZC_OK;
	uint64_t queued = 0, merged = 0;
	if (prog && prog->on && zc_index_read(idx, queued_count, &queued) != ZC_OK)
		queued = 0;	/* the display says less */
	/* the merge's transactions need not reach the disk one by one: a system crash may undo
	   the last of them, which the next merge does again; LMDB stays consistent (ACI) */
	if (mdb_env_set_flags(idx->env, MDB_NOMETASYNC, 1) != 0)
		return ZC_EDB;
	for (size_t moved = 0; idx->have_grams && rc == ZC_OK; moved += MERGE_PAIRS) {
		zc_progress_show(prog, "moving the character-pair index to its new layout: %zu pairs", moved);
		rc = zc_index_write(idx, grams_step, &m);
		zc_index_trim(idx);
	}
	while (rc == ZC_OK) {
		if ((rc = zc_index_read(idx, merge_load, &m)) != ZC_OK || m.pages == 0)
			break;
		sort_by_pair(m.v, m.n, sizeof *m.v);	/* stable: ids stay in order within a pair */
		m.at = 0;
		do {
			zc_progress_show(prog, "indexing the new pages' text: %llu of %llu pages",
					 (unsigned long long)merged + (m.n ? m.pages * m.at / m.n : 0),
					 (unsigned long long)queued);
			rc = zc_index_write(idx, merge_step, &m);
			zc_index_trim(idx);
			m.at = m.end;
		} while (rc == ZC_OK && m.at < m.n);
		if (rc != ZC_OK)
			break;
		merged += m.pages;
	}
	zc_progress_end(prog);
	if (mdb_env_set_flags(idx->env, MDB_NOMETASYNC, 0) != 0 && rc == ZC_OK)
		rc = ZC_EDB;
	free(m.v);
	free(m.ids);
	free(m.buf);
	return rc;
}
