/*
 * finalize.c - decisions across the corpus.  They are written into the next generation of the
 * rebuilt tables (index.h), passes 1-3 a thousand pages per transaction so that memory does not
 * grow with the corpus, and published together with file codes and entries in one last
 * transaction: readers, and a run after a kill, see the old decisions or the new, never a mix.
 *   1. every page gets the criteria's decision (zc_select_decide); one they exclude is final
 *      there, and the passes after it read only the decisions they change;
 *   2. abolition decisions list earlier documents (《title》 and number): those become invalid,
 *      whichever was crawled first;
 *   3. copies of one document (same number, else same title and date, else, without a number, the
 *      same jurisdiction and date and texts whose SimHashes are near, joined through any chain of
 *      such copies: near_txn, after pass 1) are one document: the
 *      copy on the issuer's own site is canonical (a government's portal for 人民政府 and
 *      国务院, the health commission's site otherwise), then the one of least URL; the others
 *      are duplicates pointing at it, and it lists every copy among its sources;
 *   4. included documents get a file code per jurisdiction, once: new ones after the highest
 *      code ever given, in the order of cmp_newcode (written date, published date, number,
 *      URL); codes are never reused, and only `zhengce renumber` gives them afresh;
 *   5. each included document's decision takes the code pass 4 gave it (one write per
 *      decision for both), and entries are split from its body, read without the page's JSON.
 * The selection records what it was made from (meta "selection_of": the zhengce version, the
 * pages' revision, the profile) and what it counted (meta "selection"); a run that finds both
 * as they are now reuses it.
 */
#include "select.h"
#include "parser.h"
#include "../common/zc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *norm_title(const char *t)
{
	char *f = zc_str_fold(t);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	for (const char *p = f; *p;) {
		unsigned cp;
		int n = zc_utf8_next(p, &cp);
		if (cp != ' ' && cp != '"' && cp != 0x201C && cp != 0x201D && cp != 0x300A && cp != 0x300B)
			zc_buf_cat(&b, p, (size_t)n);
		p += n;
	}
	free(f);
	return zc_buf_take(&b);
}

char *zc_select_dedup_key(const zc_page *page)
{
	const char *docno = page->doc.docno;
	if (*docno)
		return zc_dup_key(docno, NULL, NULL);
	char *t = norm_title(page->doc.title);
	char *k = zc_dup_key("", t, zc_page_date(page));
	free(t);
	return k;
}

/* BITS[b]: byte j is bit j of b, so that adding BITS[byte] to a word counts eight bits at once
   (a constant table: no state made at the first call) */
#define BIT_(b, j) ((uint64_t)(((b) >> (j)) & 1) << (8 * (j)))
#define BYTE_(b) (BIT_(b, 0) | BIT_(b, 1) | BIT_(b, 2) | BIT_(b, 3) | BIT_(b, 4) | BIT_(b, 5) | BIT_(b, 6) | BIT_(b, 7))
#define B4_(b) BYTE_(b), BYTE_((b) + 1), BYTE_((b) + 2), BYTE_((b) + 3)
#define B16_(b) B4_(b), B4_((b) + 4), B4_((b) + 8), B4_((b) + 12)
#define B64_(b) B16_(b), B16_((b) + 16), B16_((b) + 32), B16_((b) + 48)
static const uint64_t BITS[256] = {B64_(0), B64_(64), B64_(128), B64_(192)};
#undef B64_
#undef B16_
#undef B4_
#undef BYTE_
#undef BIT_

/* the byte counters of acc (bits 8k..8k+7 in acc[k]) added to ones, and emptied */
static void count_ones(uint64_t acc[8], long ones[64])
{
	for (int i = 0; i < 64; i++)
		ones[i] += (long)((acc[i / 8] >> (8 * (i % 8))) & 0xff);
	memset(acc, 0, 8 * sizeof *acc);
}

unsigned long long zc_select_simhash(const char *body)
{
	/* each bit's vote is its count of ones against the 4-grams' count: +1 for a one, -1 for a
	   zero.  The ones are counted eight bits to a word (acc[k] holds bits 8k..8k+7 in its
	   bytes), which a byte holds up to 255 4-grams, then moved to ones[]: a branch-free loop
	   of 8 adds instead of 64 compares per 4-gram (a third of selection's pass 1 before). */
	uint64_t acc[8] = {0};
	long ones[64] = {0}, grams = 0;
	unsigned cp[4] = {0};
	int n = 0;
	for (const char *p = body; *p;) {
		unsigned c;
		p += zc_utf8_next(p, &c);
		if (c == ' ' || c == '\n' || c == 0x3000)
			continue;
		cp[0] = cp[1];
		cp[1] = cp[2];
		cp[2] = cp[3];
		cp[3] = c;
		if (++n < 4)
			continue;
		unsigned long long h = 14695981039346656037ULL;
		for (int i = 0; i < 4; i++)
			for (int b = 0; b < 4; b++) {
				h ^= (cp[i] >> (8 * b)) & 0xff;
				h *= 1099511628211ULL;
			}
		for (int k = 0; k < 8; k++)
			acc[k] += BITS[(h >> (8 * k)) & 0xff];
		if (++grams % 255 == 0)
			count_ones(acc, ones);
	}
	count_ones(acc, ones);
	unsigned long long s = 0;
	for (int i = 0; i < 64; i++)
		if (2 * ones[i] > grams)
			s |= 1ULL << i;
	return s;
}

static int issuer_is_government(const zc_page_doc *doc)
{
	if (!doc->n_issuers)
		return -1;
	const char *first = doc->issuers[0];
	return zc_str_ends(first, "人民政府") || zc_str_ends(first, "人民政府办公厅") ||
	       zc_str_ends(first, "国务院") || zc_str_ends(first, "国务院办公厅");
}

/* 0 when the page is on its issuer's own site */
static int rank(const zc_page *page)
{
	int gov = issuer_is_government(&page->doc);
	const char *kind = page->site_kind;
	if (gov < 0)
		return 1;
	return !((gov && !strcmp(kind, "gov")) || (!gov && !strcmp(kind, "hc")));
}

/* the documents an abolition decision lists: "1.《title》（docno）" lines */
static int abolition_refs(zc_txn *t, const zc_page_doc *doc, const char *juris, uint64_t id)
{
	const char *body = doc->body;
	int rc = ZC_OK;
	const char *p = body;
	while (*p && rc == ZC_OK) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = zc_strndup(p, len);
		char *open = strstr(line, "《"), *close = open ? strstr(open, "》") : NULL;
		if (open && close) {
			char *title = zc_strndup(open + strlen("《"), (size_t)(close - open - strlen("《")));
			char *nt = norm_title(title);
			char *k = zc_abolished_key(juris, ZC_AB_TITLE, nt);
			rc = zc_tx_abolished_put(t, k, id);
			free(k);
			free(nt);
			free(title);
			char *dn = zc_docno_normalize(close);
			if (*dn && rc == ZC_OK) {
				k = zc_abolished_key(juris, ZC_AB_DOCNO, dn);
				rc = zc_tx_abolished_put(t, k, id);
				free(k);
			}
			free(dn);
		}
		free(line);
		p = nl ? nl + 1 : p + len;
	}
	return rc;
}

typedef struct newcode {
	char juris[3];
	char date[11];		/* the written date, else the published date */
	char published[11];
	char *docno;
	char *url;
	uint64_t id;
	long code;	/* given in pass 4, written with the decision in pass 5 */
} newcode;

static int cmp_newcode_id(const void *a, const void *b)
{
	uint64_t x = (*(newcode *const *)a)->id, y = (*(newcode *const *)b)->id;
	return x < y ? -1 : x > y;
}

/* the order new file codes are given in, per jurisdiction (docs/DESIGN.md): written date (else
   published date), published date, document number, URL; a function of the documents alone,
   never of the order their pages arrived in */
static int cmp_newcode(const void *a, const void *b)
{
	const newcode *x = a, *y = b;
	int c = strcmp(x->juris, y->juris);
	if (!c)
		c = strcmp(x->date, y->date);
	if (!c)
		c = strcmp(x->published, y->published);
	if (!c)
		c = strcmp(x->docno, y->docno);
	if (!c)
		c = strcmp(x->url, y->url);
	return c;
}

typedef struct handover {
	char juris[3];
	long code;
	uint64_t canon;
} handover;

/* Ids per transaction of passes 1-3: the dirty pages a transaction keeps in memory. */
#define CHUNK 1024
/* Ids between two drops of the mapped database pages (zc_index_trim), within a transaction. */
#define TRIM_PAGES 8

typedef struct fin {
	zc_index *idx;
	const zc_profile *p;
	zc_select_stats *st;
	zc_progress *prog;
	int step;		/* the step the progress line shows */
	uint64_t rev;		/* the pages' revision when the selection began */
	uint64_t max, from, to;
	int pass;
	newcode *nc;		/* documents included for the first time (pass 2 -> 4) */
	size_t nnc;
	newcode **nc_byid;	/* those given a code in pass 4, by page id (pass 4 -> 5) */
	size_t nnc_byid;
	handover *ho;		/* file codes a duplicate hands to its canonical copy (pass 3 -> 4) */
	size_t nho;
	/* the state when the transaction began: one run again (the map grew) starts from it */
	zc_select_stats mark;
	size_t mark_nnc, mark_nho;
	unsigned flags;		/* ZC_SELECT_DRY_RUN, ZC_SELECT_CHANGES */
	json_t *changes;	/* what enters and leaves the selection (ZC_SELECT_CHANGES) */
} fin;

/* final_txn's result for a dry run: everything decided, the transaction aborted */
#define DRY_RUN_DONE 1

static int reason_index(const char *r)
{
	for (int i = 0; i < ZC_NREASONS; i++)
		if (!strcmp(ZC_REASONS[i], r))
			return i;
	return -1;
}

/* a page's decision in the generation t reaches; an empty one when it has none */
static void decision_of(zc_txn *t, uint64_t id, zc_decision *d)
{
	if (zc_tx_decision_get(t, id, d) != ZC_OK) {
		zc_decision_clear(d);
	}
}

static void rewind_state(fin *f)
{
	*f->st = f->mark;
	while (f->nnc > f->mark_nnc) {
		f->nnc--;
		free(f->nc[f->nnc].url);
		free(f->nc[f->nnc].docno);
	}
	f->nho = f->mark_nho;
}

/* the final word on a page: its decision's last fields, and the counts; self holds the one
   source (the page's own URL) until dec is written */
static void settle(fin *f, uint64_t id, zc_decision *dec, const char **self, const char *decision, const char *reason,
		   const char *evidence, const char *canonical)
{
	zc_select_stats *st = f->st;
	dec->decision = decision;
	dec->reason = reason;
	dec->evidence = evidence;
	dec->canonical_url = canonical ? canonical : "";
	self[0] = dec->url;
	dec->sources = self;
	dec->n_sources = 1;
	dec->entries = 0;
	st->pages++;
	if (!strcmp(decision, "included")) {
		st->included++;
		if (!strcmp(dec->jurisdiction, "00"))
			st->national++;
		else
			st->provincial++;
		if (!dec->file_code) {
			f->nc = zc_realloc(f->nc, (f->nnc + 1) * sizeof *f->nc);
			newcode *n = &f->nc[f->nnc++];
			snprintf(n->juris, sizeof n->juris, "%s", dec->jurisdiction);
			snprintf(n->date, sizeof n->date, "%s", dec->date);
			snprintf(n->published, sizeof n->published, "%s", dec->published_date);
			n->docno = zc_strdup(dec->docno);
			n->url = zc_strdup(dec->url);
			n->id = id;
		}
	} else {
		int ri = reason_index(reason);
		if (ri >= 0)
			st->by_reason[ri]++;
	}
}

/* the file code is the document's for good: carried over from the published decision */
static long published_code(zc_txn *t, uint64_t id)
{
	zc_decision live;
	long code = 0;
	zc_tx_stage(t, 0);
	if (zc_tx_decision_get_if(t, id, "file_code", NULL, &live) == ZC_OK)
		code = live.file_code;
	zc_tx_stage(t, 1);
	zc_decision_clear(&live);
	return code;
}

/* pass 1's dedup key: the canonical copy so far, the issuer's own site, then the least URL
   (never the first stored: which copy arrived first is the crawl's history, not the corpus) */
static int note_copy(zc_txn *t, uint64_t id, const zc_decision *dec, const char *key)
{
	uint64_t other;
	if (zc_tx_dup_get(t, key, &other) != ZC_OK)
		return zc_tx_dup_put(t, key, id);
	zc_decision od;
	decision_of(t, other, &od);
	int rc = ZC_OK;
	if (dec->rank < od.rank || (dec->rank == od.rank && strcmp(dec->url, od.url) < 0))
		rc = zc_tx_dup_put(t, key, id);
	zc_decision_clear(&od);
	return rc;
}

/* pass 1 (pages): criteria, keys, abolition lists, candidate canonical copies */
static int pass1(zc_txn *t, fin *f, uint64_t id)
{
	const zc_profile *p = f->p;
	int rc = ZC_OK;
	zc_page page;
	if (zc_tx_page_record(t, id, &page) != ZC_OK)
		return ZC_OK;
	const zc_page_doc *doc = &page.doc;
	zc_decision dec = page.dec;	/* empty: a new record */
	dec.file_code = published_code(t, id);
	zc_verdict v;
	zc_select_decide(p, &page, &v);
	dec.criteria.decision = v.decision;
	dec.criteria.reason = v.reason;
	dec.criteria.evidence = v.evidence ? v.evidence : "";
	const char *j = zc_page_jurisdiction(&page);
	const char *w = zc_page_date(&page);
	char *key = zc_select_dedup_key(&page);
	if (!strcmp(v.decision, "included") && !*doc->docno && *doc->body) {
		/* no number: a copy under another title is found by its text (near_txn) */
		zc_near_doc nd = {id, zc_select_simhash(doc->body), key};
		rc = zc_tx_near_note(t, j, w, &nd);
	}
	char *nt = norm_title(doc->title);
	char *kt = zc_abolished_key(j, ZC_AB_TITLE, nt);
	char *kd = *doc->docno ? zc_abolished_key(j, ZC_AB_DOCNO, doc->docno) : zc_strdup("");
	dec.key = key;
	dec.abolition_keys[0] = kd;
	dec.abolition_keys[1] = kt;
	dec.rank = rank(&page);
	dec.jurisdiction = j;
	dec.url = page.url;
	dec.date = w;
	dec.published_date = doc->published_date;
	dec.docno = doc->docno;
	if (rc == ZC_OK && zc_doc_abolishes(doc->title))
		rc = abolition_refs(t, doc, j, id);
	if (rc == ZC_OK && !strcmp(v.decision, "included"))
		rc = note_copy(t, id, &dec, key);
	/* nothing later changes what the criteria excluded: settled now, pass 2 passes it by */
	const char *self[1];
	if (strcmp(v.decision, "included") != 0)
		settle(f, id, &dec, self, dec.criteria.decision, dec.criteria.reason, dec.criteria.evidence, NULL);
	if (rc == ZC_OK)
		rc = zc_tx_decision_put(t, id, &dec);
	free(v.evidence);
	free(key);
	free(nt);
	free(kt);
	free(kd);
	zc_page_clear(&page);
	return rc;
}

/* pass 2 (decisions the criteria included): abolished documents, duplicates, the final word */
static int pass2(zc_txn *t, fin *f, uint64_t id)
{
	zc_decision dec;
	/* the only "decision":"included" a record holds after pass 1 is its criteria's: pass 1
	   settles the others, as excluded */
	if (zc_tx_decision_get_if(t, id, "decision", "included", &dec) != ZC_OK)
		return ZC_OK;
	if (strcmp(dec.criteria.decision, "included") != 0) {	/* settled in pass 1 */
		zc_decision_clear(&dec);
		return ZC_OK;
	}
	const char *decision = dec.criteria.decision, *reason = dec.criteria.reason;
	char *evidence = zc_strdup(dec.criteria.evidence);
	char *canonical = NULL;
	uint64_t ab = 0, canon = 0;
	const char *kd = dec.abolition_keys[0], *kt = dec.abolition_keys[1];
	if ((*kd && zc_tx_abolished_get(t, kd, &ab) == ZC_OK) || zc_tx_abolished_get(t, kt, &ab) == ZC_OK) {
		zc_page ap;
		decision = "excluded";
		reason = "invalid";
		free(evidence);
		if (zc_tx_page_record(t, ab, &ap) == ZC_OK)
			evidence = zc_asprintf("abolished by \"%s\" (%s)", ap.doc.title, ap.url);
		else
			evidence = zc_strdup("abolished by a later decision");
		zc_page_clear(&ap);
	} else {
		const char *key = dec.key;
		if (zc_tx_dup_get(t, key, &canon) == ZC_OK && canon != id) {
			zc_decision cd;
			decision_of(t, canon, &cd);
			canonical = zc_strdup(cd.url);
			zc_decision_clear(&cd);
			decision = "excluded";
			reason = "duplicate";
			free(evidence);
			evidence = zc_asprintf("a copy of %s (same %s)", canonical,
					       zc_dup_key_is_docno(key) ? "document number" : "date and the same or a nearly identical text");
		}
	}
	const char *self[1];
	settle(f, id, &dec, self, decision, reason, evidence, canonical);
	int rc = zc_tx_decision_put(t, id, &dec);
	free(evidence);
	free(canonical);
	zc_decision_clear(&dec);
	return rc;
}

/* pass 3 (decisions): canonical copies list every copy among their sources; a duplicate
   hands its file code over when the canonical copy arrived after it */
static int pass3(zc_txn *t, fin *f, uint64_t id)
{
	zc_decision dec, cd;
	int rc = ZC_OK;
	if (zc_tx_decision_get_if(t, id, "reason", "duplicate", &dec) != ZC_OK)
		return ZC_OK;
	uint64_t canon;
	if (!strcmp(dec.reason, "duplicate") && zc_tx_dup_get(t, dec.key, &canon) == ZC_OK) {
		decision_of(t, canon, &cd);
		const char **src = zc_calloc(cd.n_sources + 1, sizeof *src);
		memcpy(src, cd.sources, cd.n_sources * sizeof *src);
		src[cd.n_sources] = dec.url;
		cd.sources = src;
		cd.n_sources++;
		long code = dec.file_code;
		if (code && !cd.file_code) {
			cd.file_code = code;
			dec.file_code = 0;
			f->ho = zc_realloc(f->ho, (f->nho + 1) * sizeof *f->ho);
			handover *h = &f->ho[f->nho++];
			snprintf(h->juris, sizeof h->juris, "%s", cd.jurisdiction);
			h->code = code;
			h->canon = canon;
			for (size_t k = 0; k < f->nnc; k++)
				if (f->nc[k].id == canon)
					f->nc[k].id = 0;
			rc = zc_tx_decision_put(t, id, &dec);
		}
		if (rc == ZC_OK)
			rc = zc_tx_decision_put(t, canon, &cd);
		free(src);
		zc_decision_clear(&cd);
	}
	zc_decision_clear(&dec);
	return rc;
}

/* the file code pass 4 gave page id, or 0 */
static long new_code(const fin *f, uint64_t id)
{
	newcode key = {.id = id}, *kp = &key;
	newcode **hit = f->nnc_byid ? bsearch(&kp, f->nc_byid, f->nnc_byid, sizeof *f->nc_byid, cmp_newcode_id) : NULL;
	return hit ? (*hit)->code : 0;
}

/* pass 5 (included pages): the file code pass 4 gave, the province-year index and the entries */
static int pass5(zc_txn *t, fin *f, uint64_t id)
{
	int rc;
	zc_decision dec;
	if (zc_tx_decision_get_if(t, id, "decision", "included", &dec) != ZC_OK)
		return ZC_OK;
	if (!zc_decision_included(&dec)) {
		zc_decision_clear(&dec);
		return ZC_OK;
	}
	long fc = new_code(f, id);
	if (fc)
		dec.file_code = fc;
	else
		fc = dec.file_code;
	char *body;
	size_t len;
	if (zc_tx_page_body(t, id, &body, &len) != ZC_OK) {
		rc = fc ? zc_tx_decision_put(t, id, &dec) : ZC_OK;	/* the code is given all the same */
		zc_decision_clear(&dec);
		return rc;
	}
	size_t nkw;
	const char *const *kw = zc_profile_topic(f->p, &nkw);
	const char *j = dec.jurisdiction;
	rc = zc_tx_jy_add(t, j, dec.date, id);
	zc_outline_entry *e;
	size_t ne;
	zc_entries_split(body, kw, nkw, &e, &ne);
	dec.entries = (long)ne;
	char *dc = zc_file_code(j, fc);
	for (size_t k = 0; k < ne && rc == ZC_OK; k++) {
		zc_entry ent = {.doc_code = dc, .page = id, .section = e[k].section, .item = e[k].item, .text = e[k].text};
		rc = zc_tx_entry_put(t, &ent);
		f->st->entries++;
	}
	free(dc);
	zc_entries_free(&e, ne);
	if (rc == ZC_OK)
		rc = zc_tx_decision_put(t, id, &dec);
	zc_decision_clear(&dec);
	free(body);
	return rc;
}

/* the next generation starts empty */
static int begin_txn(zc_txn *t, void *arg)
{
	fin *f = arg;
	rewind_state(f);
	f->max = zc_tx_page_max(t);
	f->rev = zc_tx_pages_rev(t);
	return zc_tx_stage_reset(t);
}

/* the better canonical copy of two: the issuer's own site, then the least URL */
static int better(const zc_decision *a, const zc_decision *b)
{
	return a->rank < b->rank || (a->rank == b->rank && strcmp(a->url, b->url) < 0);
}

static size_t root_of(size_t *up, size_t i)
{
	while (up[i] != i)
		i = up[i] = up[up[i]];
	return i;
}

/* one list of documents without a number of one jurisdiction and date: copies are the
   components of "the same key, or SimHashes at most ZC_NEAR_BITS apart", which no order of the
   pages changes (a first-come grouping would join A and C through B only when B came first);
   each takes the least key of its component, whose canonical copy is the best of them */
static int near_list(const zc_near_doc *docs, size_t n, void *arg)
{
	zc_txn *t = arg;
	int rc = ZC_OK;
	if (n < 2)
		return 0;
	size_t *up = zc_calloc(n, sizeof *up);
	for (size_t i = 0; i < n; i++)
		up[i] = i;
#define KEY_AT(i) (docs[i].key)
#define ID_AT(i) (docs[i].id)
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (__builtin_popcountll(docs[i].simhash ^ docs[j].simhash) <= ZC_NEAR_BITS || !strcmp(KEY_AT(i), KEY_AT(j)))
				up[root_of(up, i)] = root_of(up, j);
	for (size_t r = 0; r < n && rc == ZC_OK; r++) {
		if (root_of(up, r) != r)
			continue;
		const char *least = NULL;
		size_t members = 0;
		for (size_t i = 0; i < n; i++)
			if (root_of(up, i) == r) {
				members++;
				if (!least || strcmp(KEY_AT(i), least) < 0)
					least = KEY_AT(i);
			}
		if (members < 2)
			continue;
		uint64_t best_id = 0, other;
		zc_decision best, d;
		int have_best = 0;
		if (zc_tx_dup_get(t, least, &other) == ZC_OK) {	/* a copy with that key and no text */
			decision_of(t, other, &best);
			best_id = other;
			have_best = 1;
		}
		for (size_t i = 0; i < n && rc == ZC_OK; i++) {
			if (root_of(up, i) != r)
				continue;
			decision_of(t, ID_AT(i), &d);
			if (strcmp(d.key, least) != 0) {
				d.key = least;
				rc = zc_tx_decision_put(t, ID_AT(i), &d);
			}
			if (!have_best || better(&d, &best)) {
				if (have_best)
					zc_decision_clear(&best);
				best = d;
				best_id = ID_AT(i);
				have_best = 1;
			} else {
				zc_decision_clear(&d);
			}
		}
		if (have_best)
			zc_decision_clear(&best);
		if (rc == ZC_OK)
			rc = zc_tx_dup_put(t, least, best_id);
	}
#undef KEY_AT
#undef ID_AT
	free(up);
	return rc;
}

static int near_txn(zc_txn *t, void *arg)
{
	fin *f = arg;
	zc_tx_stage(t, 1);
	rewind_state(f);
	return zc_tx_near_each(t, near_list, t);
}

static int chunk_txn(zc_txn *t, void *arg)
{
	static int (*const pass[])(zc_txn *, fin *, uint64_t) = {NULL, pass1, pass2, pass3};
	fin *f = arg;
	int rc = ZC_OK;
	zc_tx_stage(t, 1);
	rewind_state(f);
	for (uint64_t id = f->from; id < f->to && rc == ZC_OK; id++) {
		rc = pass[f->pass](t, f, id);
		if (id % TRIM_PAGES == 0)
			zc_index_trim(f->idx);
	}
	return rc;
}

static int put_counts(zc_txn *t, const zc_select_stats *st)
{
	zc_selection_counts c;
	zc_selection_counts_init(&c);
	c.pages = st->pages;
	c.included = st->included;
	c.national = st->national;
	c.provincial = st->provincial;
	c.entries = st->entries;
	memcpy(c.excluded, st->by_reason, sizeof c.excluded);
	return zc_tx_selection_counts_put(t, &c);
}

/* what meta "selection" counted */
static void counts_of(const zc_selection_counts *c, zc_select_stats *st)
{
	st->pages = c->pages;
	st->included = c->included;
	st->national = c->national;
	st->provincial = c->provincial;
	st->entries = c->entries;
	memcpy(st->by_reason, c->excluded, sizeof st->by_reason);
}

typedef struct reuse {
	const zc_profile *p;
	zc_select_stats *st;
} reuse;

/* the published selection's counts when it was made from what is here now, else an error */
static int reuse_txn(zc_txn *t, void *arg)
{
	reuse *r = arg;
	zc_selection_counts c;
	zc_selection_counts_init(&c);
	int same;
	int rc = zc_tx_selection_of_is(t, ZC_VERSION, zc_tx_pages_rev(t), zc_profile_canonical(r->p), &same);
	if (rc == ZC_OK && !same)
		rc = ZC_ENOTFOUND;
	if (rc == ZC_OK)
		rc = zc_tx_selection_counts_get(t, &c);
	if (rc == ZC_OK) {
		counts_of(&c, r->st);
		r->st->reused = 1;
	}
	zc_selection_counts_clear(&c);
	return rc;
}

static int published_txn(zc_txn *t, void *arg)
{
	zc_selection_counts c;
	int rc = zc_tx_selection_counts_get(t, &c);
	if (rc == ZC_OK)
		counts_of(&c, arg);
	zc_selection_counts_clear(&c);
	return rc;
}

int zc_select_published(zc_index *idx, zc_select_stats *st)
{
	memset(st, 0, sizeof *st);
	return zc_index_read(idx, published_txn, st);
}

/* the selection's progress: step 1-3 are the passes over all pages, 4 the last transaction */
static void show(fin *f, int step, uint64_t id)
{
	static const char *const what[] = {"", "deciding each page", "abolished documents and copies",
					   "copies' sources", "file codes and entries"};
	if (step != f->step)
		zc_progress_end(f->prog);	/* a new step is shown at once */
	f->step = step;
	zc_progress_show(f->prog, "selection, step %d of 4 (%s): %llu of %llu pages", step, what[step],
			 (unsigned long long)id, (unsigned long long)f->max);
}

/* a document's or an entry's way into or out of the selection */
static void change(fin *f, const char *kind, const char *how, const char *code, const zc_page *page, const char *reason,
		   const char *evidence)
{
	json_array_append_new(f->changes, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "change", how, "kind", kind, "code", code,
						    "title", page->doc.title, "reason", reason, "evidence", evidence,
						    "url", page->url));
}

static char *doc_code(const zc_decision *dec)
{
	return dec->file_code ? zc_file_code(dec->jurisdiction, dec->file_code) : zc_strdup("");
}

/* a page's decision in a generation, when its stored bytes say included (an empty one else) */
static int included_in(zc_txn *t, int gen, uint64_t id, zc_decision *d)
{
	zc_tx_stage(t, gen);
	if (zc_tx_decision_get_if(t, id, "decision", "included", d) != ZC_OK)
		zc_decision_clear(d);
	zc_tx_stage(t, 1);
	return zc_decision_included(d);
}

/* page ids with a word each (a document's way in or out, its new code), found by id once
   sorted */
typedef struct idword {
	uint64_t id;
	char *word;
} idword;

typedef struct idmap {
	idword *v;
	size_t n;
} idmap;

static void idmap_add(idmap *m, uint64_t id, const char *word)
{
	m->v = zc_realloc(m->v, (m->n + 1) * sizeof *m->v);
	m->v[m->n++] = (idword){id, zc_strdup(word)};
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = ((const idword *)a)->id, y = ((const idword *)b)->id;
	return x < y ? -1 : x > y;
}

static void idmap_sort(idmap *m)
{
	if (m->n)
		qsort(m->v, m->n, sizeof *m->v, by_id);
}

static const char *idmap_get(const idmap *m, uint64_t id)
{
	idword key = {id, NULL};
	const idword *hit = m->n ? bsearch(&key, m->v, m->n, sizeof *m->v, by_id) : NULL;
	return hit ? hit->word : NULL;
}

static void idmap_free(idmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].word);
	free(m->v);
	*m = (idmap){NULL, 0};
}

/* the documents whose decision the new generation changes between included and excluded; their
   page ids and way (enters, leaves) in *moved, in id order */
static int changed_documents(zc_txn *t, fin *f, idmap *moved)
{
	for (uint64_t id = 1; id <= f->max; id++) {
		zc_decision was, is;
		zc_page page;
		int w = included_in(t, 0, id, &was), i = included_in(t, 1, id, &is);
		if (w != i && zc_tx_page_record(t, id, &page) == ZC_OK) {
			if (i) {
				char *code = doc_code(&is);
				change(f, "document", "enters", code, &page, "included", is.evidence);
				idmap_add(moved, id, "enters");
				free(code);
			} else {
				zc_decision nd;
				decision_of(t, id, &nd);
				char *code = doc_code(&was);
				change(f, "document", "leaves", code, &page, nd.reason, nd.evidence);
				idmap_add(moved, id, "leaves");
				free(code);
				zc_decision_clear(&nd);
			}
			zc_page_clear(&page);
		}
		zc_decision_clear(&was);
		zc_decision_clear(&is);
		if (id % TRIM_PAGES == 0)
			zc_index_trim(f->idx);
	}
	return ZC_OK;
}

/* the entries of a generation, in code order (the table's): each one's page and code */
static int entry_seen(const zc_entry *ent, void *arg)
{
	idmap_add(arg, ent->page, ent->code);
	return 0;
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const idword *)a)->word, ((const idword *)b)->word);
}

static int codes_have(const idmap *c, const char *code)
{
	idword key = {0, (char *)code};
	return c->n && bsearch(&key, c->v, c->n, sizeof *c->v, by_code) != NULL;
}

static void entry_change(zc_txn *t, fin *f, const idmap *moved, const idword *e, const char *how)
{
	const char *doc = idmap_get(moved, e->id);
	zc_page page;
	if (zc_tx_page_record(t, e->id, &page) != ZC_OK)
		zc_page_init(&page);	/* a page that does not read: its fields "" */
	int enters = !strcmp(how, "enters");
	change(f, "entry", how, e->word, &page, doc ? (enters ? "its document enters" : "its document leaves")
						 : (enters ? "its unit mentions a topic keyword" : "its unit mentions no topic keyword"), "");
	zc_page_clear(&page);
}

/* entries: the published generation's codes against the new one's */
static int changed_entries(zc_txn *t, fin *f, const idmap *moved)
{
	idmap live = {NULL, 0}, next = {NULL, 0};
	zc_tx_stage(t, 0);
	int rc = zc_tx_entries_all(t, entry_seen, &live);
	zc_tx_stage(t, 1);
	if (rc == ZC_OK)
		rc = zc_tx_entries_all(t, entry_seen, &next);
	/* in code order already, which bsearch wants */
	for (size_t i = 0; i < next.n; i++)
		if (!codes_have(&live, next.v[i].word))
			entry_change(t, f, moved, &next.v[i], "enters");
	for (size_t i = 0; i < live.n; i++)
		if (!codes_have(&next, live.v[i].word))
			entry_change(t, f, moved, &live.v[i], "leaves");
	idmap_free(&live);
	idmap_free(&next);
	return rc;
}

/* pass 4, file codes for documents included for the first time, then pass 5 and the switch to
   the new generation: one transaction, whose size grows with the included documents only */
static int final_txn(zc_txn *t, void *arg)
{
	fin *f = arg;
	zc_select_stats *st = f->st;
	int rc = ZC_OK;
	zc_tx_stage(t, 1);
	rewind_state(f);
	for (size_t k = 0; k < f->nho && rc == ZC_OK; k++)
		rc = zc_tx_file_code_put(t, f->ho[k].juris, f->ho[k].code, f->ho[k].canon);
	free(f->nc_byid);
	f->nc_byid = zc_calloc(f->nnc + 1, sizeof *f->nc_byid);
	f->nnc_byid = 0;
	for (size_t k = 0; k < f->nnc && rc == ZC_OK; k++) {
		newcode *n = &f->nc[k];
		if (!n->id)
			continue;
		long next;
		rc = zc_tx_file_code_next(t, n->juris, &next);
		n->code = next;
		f->nc_byid[f->nnc_byid++] = n;
		if (rc == ZC_OK)
			rc = zc_tx_file_code_put(t, n->juris, next, n->id);
		st->new_codes++;
		if (k % TRIM_PAGES == TRIM_PAGES - 1)
			zc_index_trim(f->idx);
	}
	if (f->nnc_byid)
		qsort(f->nc_byid, f->nnc_byid, sizeof *f->nc_byid, cmp_newcode_id);
	if (rc == ZC_OK) {
		char *words = zc_profile_describe(f->p);
		zc_profile_record rec = {zc_profile_name(f->p), zc_profile_hash(f->p), words, ZC_VERSION, NULL};
		rc = zc_tx_profile_put(t, zc_profile_name(f->p), &rec);
		free(words);
	}
	for (uint64_t id = 1; id <= f->max && rc == ZC_OK; id++) {
		rc = pass5(t, f, id);
		if (id % TRIM_PAGES == 0) {
			zc_index_trim(f->idx);
			show(f, 4, id);
		}
	}
	if (rc == ZC_OK && (f->flags & ZC_SELECT_CHANGES)) {
		idmap moved = {NULL, 0};
		json_array_clear(f->changes);
		rc = changed_documents(t, f, &moved);
		if (rc == ZC_OK)
			rc = changed_entries(t, f, &moved);
		idmap_free(&moved);
	}
	if (rc == ZC_OK && (f->flags & ZC_SELECT_DRY_RUN))
		return DRY_RUN_DONE;	/* nothing of it published: no code given, no meta written */
	/* what it was made from (nothing when the profile could not be written out: no reuse).  A
	   change to how pages are selected must come with a new ZC_VERSION, or corpora keep the
	   selections of the old code until someone runs reselect. */
	if (rc == ZC_OK)
		rc = zc_tx_selection_of_put(t, ZC_VERSION, f->rev, zc_profile_canonical(f->p));
	if (rc == ZC_OK)
		rc = put_counts(t, st);
	if (rc == ZC_OK)
		rc = zc_tx_publish(t);
	return rc;
}

static int run(fin *f, zc_txn_fn fn)
{
	f->mark = *f->st;
	f->mark_nnc = f->nnc;
	f->mark_nho = f->nho;
	int rc = zc_index_write(f->idx, fn, f);
	zc_index_trim(f->idx);
	return rc;
}

int zc_select_finalize(zc_index *idx, const zc_profile *p, unsigned flags, struct zc_progress *prog,
		       zc_select_stats *st)
{
	return zc_select_run(idx, p, flags & ~(unsigned)(ZC_SELECT_DRY_RUN | ZC_SELECT_CHANGES), prog, st, NULL);
}

int zc_select_run(zc_index *idx, const zc_profile *p, unsigned flags, struct zc_progress *prog, zc_select_stats *st,
		  json_t **changes)
{
	fin f = {.idx = idx, .p = p, .st = st, .prog = prog, .flags = flags};
	if (changes)
		*changes = NULL;
	if (flags & (ZC_SELECT_DRY_RUN | ZC_SELECT_CHANGES)) {
		flags |= ZC_SELECT_FORCE;
		f.flags |= ZC_SELECT_CHANGES;
		f.changes = json_array();
	}
	memset(st, 0, sizeof *st);
	if (!(flags & ZC_SELECT_FORCE)) {
		reuse r = {p, st};
		if (zc_index_read(idx, reuse_txn, &r) == ZC_OK)
			return ZC_OK;
		memset(st, 0, sizeof *st);	/* anything else: select anew */
	}
	int rc = run(&f, begin_txn);
	for (f.pass = 1; f.pass <= 3 && rc == ZC_OK; f.pass++) {
		for (uint64_t id = 1; id <= f.max && rc == ZC_OK; id += CHUNK) {
			f.from = id;
			f.to = id + CHUNK <= f.max + 1 ? id + CHUNK : f.max + 1;
			show(&f, f.pass, id - 1);
			rc = run(&f, chunk_txn);
		}
		if (f.pass == 1 && rc == ZC_OK)
			rc = run(&f, near_txn);	/* copies without a number, now that all are noted */
	}
	if (rc == ZC_OK) {
		if (f.nnc)
			qsort(f.nc, f.nnc, sizeof *f.nc, cmp_newcode);
		rc = run(&f, final_txn);
		if (rc == DRY_RUN_DONE)
			rc = ZC_OK;
	}
	zc_progress_end(prog);
	if (rc == ZC_OK && changes)
		*changes = json_incref(f.changes);
	json_decref(f.changes);
	for (size_t k = 0; k < f.nnc; k++) {
		free(f.nc[k].url);
		free(f.nc[k].docno);
	}
	free(f.nc);
	free(f.nc_byid);
	free(f.ho);
	return rc;
}

/* --- the keywords the last complete crawl searched for (meta "search_keywords") ------------ */

static int note_txn(zc_txn *t, void *arg)
{
	size_t n;
	const char *const *kw = zc_profile_search(arg, &n);
	return zc_tx_search_keywords_put(t, kw, n);
}

int zc_select_note_search(zc_index *idx, const zc_profile *p)
{
	return zc_index_write(idx, note_txn, (void *)p);
}

typedef struct unsearched {
	const zc_profile *p;
	zc_buf words;
} unsearched;

static int unsearched_txn(zc_txn *t, void *arg)
{
	unsearched *u = arg;
	zc_search_keywords done;
	if (zc_tx_search_keywords_get(t, &done) != ZC_OK)
		return ZC_OK;	/* a corpus crawled before zhengce kept them: nothing to say */
	size_t n;
	const char *const *kw = zc_profile_search(u->p, &n);
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (size_t k = 0; k < done.n && !found; k++)
			found = !strcmp(kw[i], done.words[k]);
		if (!found)
			zc_buf_catf(&u->words, "%s%s", u->words.len ? "、" : "", kw[i]);
	}
	zc_search_keywords_clear(&done);
	return ZC_OK;
}

char *zc_select_unsearched(zc_index *idx, const zc_profile *p)
{
	unsearched u = {p, {0}};
	zc_buf_init(&u.words, ZC_BUF_UNLIMITED);
	if (zc_index_read(idx, unsearched_txn, &u) != ZC_OK || !u.words.len) {
		zc_buf_free(&u.words);
		return NULL;
	}
	return zc_buf_take(&u.words);
}

static int record_txn(zc_txn *t, void *arg)
{
	return zc_tx_profile_record_get(t, arg);
}

int zc_select_profile_record(zc_index *idx, zc_profile_record *r)
{
	zc_profile_record_init(r);
	if (zc_index_read(idx, record_txn, r) != ZC_OK) {
		zc_profile_record_clear(r);
		return ZC_ENOTFOUND;
	}
	return ZC_OK;
}

/* --- renumber: every code afresh, in the order of cmp_newcode --------------------------------- */

typedef struct renum {
	zc_index *idx;
	newcode *nc;		/* the included documents */
	size_t nnc;
	json_t *map;		/* [{old, new, url, title}] */
	zc_entry *entries;	/* every entry, in code order */
	size_t nentries;
	size_t documents, changed;
	int (*before_commit)(json_t *map, void *arg);
	void *arg;
} renum;

static void renum_reset(renum *r)
{
	for (size_t k = 0; k < r->nnc; k++) {
		free(r->nc[k].url);
		free(r->nc[k].docno);
	}
	free(r->nc);
	r->nc = NULL;
	r->nnc = 0;
	json_decref(r->map);
	for (size_t k = 0; k < r->nentries; k++)
		zc_entry_clear(&r->entries[k]);
	free(r->entries);
	r->map = json_array();
	r->entries = NULL;
	r->nentries = 0;
	r->documents = r->changed = 0;
}

static int keep_entry(const zc_entry *ent, void *arg)
{
	renum *r = arg;
	r->entries = zc_realloc(r->entries, (r->nentries + 1) * sizeof *r->entries);
	zc_entry_keep(&r->entries[r->nentries++], ent);
	return 0;
}

static void map_add(renum *r, const char *old, const char *new, const char *url, const zc_page *page)
{
	json_array_append_new(r->map, json_pack("{s:s,s:s,s:s,s:s}", "old", old, "new", new, "url", url, "title",
						page->doc.title));
}

/* the published documents with a code: an excluded one's code goes (it gets a new one should
   it return), an included one's is listed in r->nc to be given again */
static int renumber_gather(zc_txn *t, renum *r)
{
	int rc = ZC_OK;
	uint64_t max = zc_tx_page_max(t);
	for (uint64_t id = 1; id <= max && rc == ZC_OK; id++) {
		zc_decision d;
		zc_page page;
		if (zc_tx_decision_get_if(t, id, "file_code", NULL, &d) != ZC_OK)
			continue;
		long old = d.file_code;
		int has_page = zc_tx_page_record(t, id, &page) == ZC_OK;
		if (old && !zc_decision_included(&d)) {
			char *oc = zc_file_code(d.jurisdiction, old);
			map_add(r, oc, "", d.url, &page);
			free(oc);
			d.file_code = 0;
			rc = zc_tx_decision_put(t, id, &d);
			r->changed++;
		} else if (old && has_page) {
			r->nc = zc_realloc(r->nc, (r->nnc + 1) * sizeof *r->nc);
			newcode *n = &r->nc[r->nnc++];
			snprintf(n->juris, sizeof n->juris, "%s", d.jurisdiction);
			snprintf(n->date, sizeof n->date, "%s", d.date);
			snprintf(n->published, sizeof n->published, "%s", page.doc.published_date);
			n->docno = zc_strdup(page.doc.docno);
			n->url = zc_strdup(d.url);
			n->id = id;
			n->code = old;
		}
		zc_decision_clear(&d);
		zc_page_clear(&page);
		if (id % TRIM_PAGES == 0)
			zc_index_trim(r->idx);
	}
	return rc;
}

/* each included document's new code, in the order of r->nc, per jurisdiction from 1; its page
   id -> new code into new_of_page */
static int renumber_give(zc_txn *t, renum *r, idmap *new_of_page)
{
	int rc = ZC_OK;
	long next = 0;
	for (size_t k = 0; k < r->nnc && rc == ZC_OK; k++) {
		newcode *n = &r->nc[k];
		next = k && !strcmp(n->juris, r->nc[k - 1].juris) ? next + 1 : 1;
		char *oc = zc_file_code(n->juris, n->code), *nc = zc_file_code(n->juris, next);
		idmap_add(new_of_page, n->id, nc);
		zc_decision d;
		zc_page page;
		if ((rc = zc_tx_decision_get(t, n->id, &d)) == ZC_OK) {
			d.file_code = next;
			rc = zc_tx_decision_put(t, n->id, &d);
		}
		if (rc == ZC_OK)
			rc = zc_tx_file_code_put(t, n->juris, next, n->id);
		if (rc == ZC_OK)
			rc = zc_tx_file_code_last_put(t, n->juris, next);
		if (zc_tx_page_record(t, n->id, &page) != ZC_OK)
			zc_page_init(&page);	/* one that does not read: title "" */
		map_add(r, oc, nc, n->url, &page);
		r->documents++;
		r->changed += strcmp(oc, nc) != 0;
		zc_decision_clear(&d);
		zc_page_clear(&page);
		free(oc);
		free(nc);
		if (k % TRIM_PAGES == 0)
			zc_index_trim(r->idx);
	}
	return rc;
}

static int renumber_txn(zc_txn *t, void *arg)
{
	renum *r = arg;
	renum_reset(r);
	zc_tx_stage(t, 0);	/* the published generation: what readers see changes at commit */
	int rc = renumber_gather(t, r);
	if (rc != ZC_OK)
		return rc;
	qsort(r->nc, r->nnc, sizeof *r->nc, cmp_newcode);
	/* the codes given so far go: the file-code index and the last code of each jurisdiction */
	rc = zc_tx_file_codes_clear(t);
	/* entries are keyed by their document's code: read them all before any is rewritten */
	if (rc == ZC_OK)
		rc = zc_tx_entries_all(t, keep_entry, r);
	if (rc == ZC_OK)
		rc = zc_tx_entries_clear(t);
	idmap new_of_page = {NULL, 0};	/* page id -> new document code */
	if (rc == ZC_OK)
		rc = renumber_give(t, r, &new_of_page);
	idmap_sort(&new_of_page);
	for (size_t k = 0; k < r->nentries && rc == ZC_OK; k++) {
		zc_entry *ent = &r->entries[k];
		const char *dc = idmap_get(&new_of_page, ent->page);
		if (!dc)
			continue;	/* an entry of no included document: none are written so */
		ent->doc_code = dc;
		rc = zc_tx_entry_put(t, ent);
	}
	idmap_free(&new_of_page);
	if (rc == ZC_OK && r->before_commit)
		rc = r->before_commit(r->map, r->arg);
	return rc;
}

int zc_select_renumber(zc_index *idx, int (*before_commit)(json_t *map, void *arg), void *arg, size_t *documents,
		       size_t *changed)
{
	renum r = {.idx = idx, .before_commit = before_commit, .arg = arg};
	int rc = zc_index_write(idx, renumber_txn, &r);
	*documents = r.documents;
	*changed = r.changed;
	renum_reset(&r);
	json_decref(r.map);
	return rc;
}
