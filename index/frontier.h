/*
 * frontier.h - the crawl's frontier (included by index.h): per-host FIFO queues of requests, and
 * the run's seen set, so that a request is queued once a run.  The request's format and the seen
 * set's key are private to index/frontier.c.
 *
 * Strings borrow from the decoded record (own_) or, in a request the caller fills, from the
 * caller's memory; an absent string reads as "", an absent number as 0.  zc_request_own() makes
 * a request hold its own copies (to keep it past the strings it was filled from);
 * zc_request_clear() frees what it holds.  A request read and written again keeps the fields
 * this zhengce does not know.
 */
#ifndef ZC_FRONTIER_H
#define ZC_FRONTIER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct zc_txn;

typedef struct zc_request {
	const char *kind;	/* "search", "list" or "article" */
	const char *site;	/* the seed site's host */
	const char *url;
	const char *method;	/* "GET" or "POST" */
	const char *body;	/* a POST's form, "" none */
	long ep;		/* a search's or list's endpoint: its place in the site's searches or lists */
	const char *kw;		/* a search's keyword, "" none */
	long page;		/* the page of a search or list (1 on), 0 for an article */
	long pages, last;	/* a page after the first: the count page 1 announced, the last page asked */
	int inc;		/* incremental: its site had a complete run, known results are left */
	long tries;		/* attempts made */
	double not_before;	/* not asked before this time (seconds since 1970), 0 at once */
	long redirects;		/* redirects followed to url */
	const char *last_error;	/* why the last attempt failed, "" none */
	json_t *own_;		/* the record the strings point into, or NULL */
} zc_request;

/* An empty request (all strings "", numbers 0). */
void zc_request_init(zc_request *r);
/* Makes r hold copies of its strings. */
void zc_request_own(zc_request *r);
/* Frees what r holds; r is then empty. */
void zc_request_clear(zc_request *r);
/* *to as from, sharing its record (neither changes it; each zc_request_clear()s its own): a
   request to change a field of, then zc_request_own(). */
void zc_request_share(zc_request *to, const zc_request *from);

/* The record's codec (index/frontier.c): a stored record's bytes (MessagePack, or the JSON text
   of schema 1 and 2) as a request, ZC_EPARSE when they do not read as one; a request as the
   JSON value stored (a new reference).  For the fuzzers and tests; others use the operations
   below. */
int zc_request_decode(const void *v, size_t n, zc_request *out);
json_t *zc_request_json(const zc_request *r);

/* Queues req at the end of host's queue, unless this run queued the same request before (its
   kind, URL and body); *added says whether it was queued. */
int zc_tx_frontier_push(struct zc_txn *t, const char *host, const zc_request *req, int *added);
/* The first request of host with seq > after; ZC_ENOTFOUND when none, ZC_EPARSE when its record
   does not read.  *req is initialised whatever the result (zc_request_clear() it). */
int zc_tx_frontier_peek(struct zc_txn *t, const char *host, uint64_t after, uint64_t *seq, zc_request *req);
/* Requests queued for one host, counted up to cap (a progress display needs no more). */
uint64_t zc_tx_frontier_count(struct zc_txn *t, const char *host, uint64_t cap);
int zc_tx_frontier_del(struct zc_txn *t, const char *host, uint64_t seq);
/* Writes req in the place of the request host's seq (a retry: its tries, not_before, error). */
int zc_tx_frontier_replace(struct zc_txn *t, const char *host, uint64_t seq, const zc_request *req);
/* Requests queued for all hosts. */
int zc_tx_frontier_total(struct zc_txn *t, uint64_t *n);
/* Empties the frontier and the run's seen set: a new run starts from its seeds. */
int zc_tx_frontier_reset(struct zc_txn *t);

#endif
