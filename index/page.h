/*
 * page.h - the page, decision and entry records as C structs (included by index.h); their
 * codecs are index/page.c (pages, decisions) and index/selection.c (entries), the only code
 * that names the records' fields (docs/SCHEMA.md).
 *
 * A record read is decoded once; its strings point into that decoding (own_), valid until the
 * record is cleared (zc_page_clear, zc_decision_clear, zc_entry_clear) or, for the records an
 * iterator passes, until the call returns.  An absent string is "" (never NULL), an absent
 * number 0 (unless said otherwise).  A caller may point a field elsewhere (a string of its own,
 * another array) before writing the record back: clearing frees only what decoding made.  A record read and written back keeps the fields this
 * zhengce does not know (own_): a record written by a newer zhengce is not cut.  A record built
 * to be written has own_ NULL; its strings are the caller's, NULL taken for "".
 */
#ifndef ZC_INDEX_PAGE_H
#define ZC_INDEX_PAGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "place.h"

/* What selection made of a page (table decisions), written by selection only. */
typedef struct zc_decision {
	struct {
		const char *decision;	/* "included" or "excluded" */
		const char *reason, *evidence;
	} criteria;			/* what the profile's criteria say of this page alone */
	const char *key;		/* the dedup key: "D|docno" or "T|title|date" */
	const char *abolition_keys[2];	/* the keys an abolition lists it under: by number ("" when
					   it has none), by title */
	long rank;			/* 0 when the page is on its issuer's own site */
	const char *jurisdiction, *url;
	const char *date;		/* the statistical date (zc_page_date) */
	const char *published_date, *docno;
	const char *decision;		/* "included", "excluded", "" before selection settles it */
	const char *reason, *evidence, *canonical_url;
	const char **sources;		/* the URLs of every copy, this one first */
	size_t n_sources;
	long file_code;			/* N of the document's code JJ-N; 0: none */
	long entries;			/* entries split from its text */
	json_t *own_;			/* the record read (NULL when read in place: not to be written back) */
	void *mem_[2];			/* what decoding allocated: sources, the strings read in place */
} zc_decision;

typedef struct zc_page_attachment {
	const char *name, *url;
} zc_page_attachment;

/* What the parser read of the page (parser.h zc_doc). */
typedef struct zc_page_doc {
	const char *url, *title, *docno;
	const char **issuers;
	size_t n_issuers;
	const char *written_date, *published_date;	/* "YYYY-MM-DD" or "" */
	const char *type, *validity, *column, *charset;
	long bad_bytes;
	int challenge;
	const zc_page_attachment *attachments;
	size_t n_attachments;
	const char *body;		/* "" when read without ZC_PAGE_BODY */
	size_t body_len;
} zc_page_doc;

/* A page (table pages, written by the crawl), with its decision when read merged (dec; its
   strings "" when the page has none). */
typedef struct zc_page {
	uint64_t id;
	const char *url, *site, *site_kind, *jurisdiction, *fetched_at, *digest;
	zc_warc_place warc;		/* the record its document came from */
	zc_page_doc doc;
	zc_decision dec;
	json_t *own_;			/* the record read (NULL when read in place: not to be written back) */
	void *mem_[3];			/* what decoding allocated: issuers, attachments, strings read in place */
} zc_page;

/* An entry (table entries): an item of a section of an included document, JJ-N-S-I. */
typedef struct zc_entry {
	const char *code, *doc_code;
	uint64_t page;
	long section, item;
	const char *text;
	json_t *own_;
} zc_entry;

/* An empty record (every string "", every number 0): one to fill and write, or to clear
   whether or not a read fills it. */
void zc_page_init(zc_page *p);
void zc_decision_init(zc_decision *d);
void zc_entry_init(zc_entry *e);
void zc_page_clear(zc_page *p);
void zc_decision_clear(zc_decision *d);
void zc_entry_clear(zc_entry *e);
/* dst: src, kept past the call that lent it (zc_entry_clear() both) */
void zc_entry_keep(zc_entry *dst, const zc_entry *src);

/* The domain rules on a page, one function each.  The statistical date: the written date, else
   the published date ("" when it has neither); its first four characters are the year counted,
   queried and exported (zc_year_of). */
const char *zc_page_date(const zc_page *p);
/* The jurisdiction of a page: its site's ("00" national, else the province's code). */
const char *zc_page_jurisdiction(const zc_page *p);
/* Whether the page's decision includes it. */
int zc_page_included(const zc_page *p);
int zc_decision_included(const zc_decision *d);
/* Whether the decision was read from a record (a page selection has not reached has none). */
int zc_decision_present(const zc_decision *d);
/* An included document's code "JJ-N" into buf (size n); "" when it has none. */
const char *zc_page_code(const zc_page *p, char *buf, size_t n);

/* The page record's stored bytes as the page (the body read too; SCHEMA.md: the body, then the
   rest): ZC_OK, or ZC_EPARSE when they do not read (the fuzzers feed it). */
int zc_page_decode(const void *v, size_t n, zc_page *out);
/* A decision record's stored bytes as the decision, through its jansson value (own_ kept). */
int zc_decision_decode(const void *v, size_t n, zc_decision *d);
/* The same as a walk without bodies reads them (export, the query table): the page without its
   body and the decision read in place, with no jansson value (own_ NULL: not to be written
   back).  They accept what the two above accept and read the same fields; fuzz_files checks it. */
int zc_page_peek(const void *v, size_t n, zc_page *out);
int zc_decision_peek(const void *v, size_t n, zc_decision *d);

#endif
