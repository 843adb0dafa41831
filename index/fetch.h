/*
 * fetch.h - a URL's fetch state (docs/SCHEMA.md, "fetch"), included by index.h: what the last
 * answer of the URL was, in one of five forms.  The record's format is private to index/fetch.c.
 *
 * Strings borrow from the decoded record (own_) or, in a state the caller fills, from the
 * caller's memory; an absent string reads as "", an absent number as 0.  zc_fetch_own() makes a
 * state hold its own copies (to keep it past the strings it was filled from); zc_fetch_clear()
 * frees what it holds.  A state read and written again keeps the fields this zhengce does not
 * know (a record of a newer one is not cut).
 */
#ifndef ZC_FETCH_H
#define ZC_FETCH_H

#include <jansson.h>
#include <stddef.h>

#include "place.h"

struct zc_txn;

enum zc_fetch_kind {
	ZC_FETCH_DOCUMENT,	/* an article's answer that held a document (or a 304 for one) */
	ZC_FETCH_UNPARSEABLE,	/* an article's answer that held no document: unparseable says why */
	ZC_FETCH_STATUS,	/* an answer of a status alone (a 4xx) */
	ZC_FETCH_ANSWER,	/* a search answer or list page an import took from a WARC file */
	ZC_FETCH_ROBOTS,	/* a robots.txt, kept 24 hours */
};

typedef struct zc_fetch {
	enum zc_fetch_kind kind;
	long status;			/* the HTTP status */
	/* a document: its validators (sent back as a conditional GET) and its payload's digest */
	const char *etag, *last_modified, *digest;
	const char *fetched_at;		/* when the answer came (ISO 8601, UTC) */
	const char *checked_at;		/* when a 304 said it was unchanged, "" none */
	long tries;			/* attempts it took */
	const char *unparseable;	/* why the answer held no document (or is not of its format) */
	const char *answer;		/* an imported answer: "search" or "list" */
	long links;			/* ... the links it holds */
	zc_warc_place warc;		/* ... its record */
	const char *robots;		/* a robots.txt: its text (robots_len bytes) */
	size_t robots_len;
	double at;			/* ... when it was fetched (seconds since 1970) */
	json_t *own_;			/* the record the strings point into, or NULL */
} zc_fetch;

/* An empty state of the form kind (all strings "", numbers 0). */
void zc_fetch_init(zc_fetch *f, enum zc_fetch_kind kind);
/* Makes f hold copies of its strings (a string that is not UTF-8 is dropped: check a robots.txt
   with zc_utf8_valid() first). */
void zc_fetch_own(zc_fetch *f);
/* Frees what f holds; f is then empty. */
void zc_fetch_clear(zc_fetch *f);
/* *to as from, sharing its record (neither changes it; each zc_fetch_clear()s its own): a
   state to change a field of, then zc_fetch_own(), or to keep while from's strings last. */
void zc_fetch_share(zc_fetch *to, const zc_fetch *from);
/* Whether the state is a final answer of its URL: a document (stored, or unchanged since) or a
   4xx.  An answer that held no document, or none yet, is not one. */
int zc_fetch_final(const zc_fetch *f);

/* The record's codec (index/fetch.c): a stored record's bytes (MessagePack, or the JSON text of
   schema 1 and 2) as a state, ZC_EPARSE when they do not read as one; and a state as the JSON
   value stored (a new reference).  The fuzzers and tests use them; others use the operations
   below. */
int zc_fetch_decode(const void *v, size_t n, zc_fetch *out);
json_t *zc_fetch_json(const zc_fetch *f);

/* Whether url has had a final answer (zc_fetch_final). */
int zc_tx_fetch_known(struct zc_txn *t, const char *url);
/* A URL's fetch state: ZC_ENOTFOUND when it has none, ZC_EPARSE when its record does not read;
   *out is initialised whatever the result (zc_fetch_clear() it). */
int zc_tx_fetch_get(struct zc_txn *t, const char *url, zc_fetch *out);
int zc_tx_fetch_put(struct zc_txn *t, const char *url, const zc_fetch *f);
/* fn(url, fetch state, arg) for every URL with a fetch state that reads, by URL; non-zero
   stops, and that is then the result. */
typedef int (*zc_fetch_each_fn)(const char *url, const zc_fetch *f, void *arg);
int zc_tx_fetch_each(struct zc_txn *t, zc_fetch_each_fn fn, void *arg);

#endif
