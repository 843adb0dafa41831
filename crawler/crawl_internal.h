/*
 * crawl_internal.h - what the files of the crawl share (crawl.c the loop, target.c, queue.c,
 * run.c, transfer.c, answer.c); inside crawler/ only.
 */
#ifndef ZC_CRAWL_INTERNAL_H
#define ZC_CRAWL_INTERNAL_H

#include "crawler.h"
#include "parser.h"
#include "../common/zc.h"

#include <curl/curl.h>
#include <stdint.h>

enum { ROBOTS_NONE, ROBOTS_FETCHING, ROBOTS_READY };

typedef struct host_state {
	char *host;
	const zc_site *site;
	zc_site_report *rep;
	zc_robots *robots;
	int robots_state;
	double delay;		/* effective delay between requests */
	double next_at;		/* not before this time */
	int busy;
	int empty;		/* known to have nothing queued */
	int looked;		/* its queue was looked at since its last request ended */
	int blocked;		/* challenge: nothing more this run */
	struct xfer *cur;	/* the transfer in flight (busy), or NULL */
	int backing_off;
	long done;
	int since_day;		/* the site's last complete run's day (YYYYMMDD), 0 for none */
} host_state;

typedef struct xfer {
	CURL *easy;
	CURLU *cu;		/* the URL as parsed for the scope check: what libcurl connects to */
	host_state *h;
	uint64_t seq;
	zc_request req;		/* the request (has_req), none for robots.txt */
	int has_req;
	char *url;
	zc_buf body, head, reqhead;
	struct curl_slist *hdrs;
	char *post;
	int overflow;
	double started;
	zc_fetch fetch;		/* an article's fetch state when it was asked for ... */
	int has_fetch;		/* ... and it had one */
	const struct crawl *c;	/* the crawl it is part of (its notes) */
} xfer;

typedef struct crawl {
	int trace;		/* ZHENGCE_TRACE: libcurl's words on each transfer, as notes */
	zc_index *idx;
	const zc_seeds *seeds;
	const zc_crawl_opts *o;
	zc_article_fn article;
	void *arg;
	zc_crawl_summary *sum;
	CURLM *multi;
	CURLSH *cookies;	/* the cookie jar of every transfer (--cookies), or NULL */
	int openssl;		/* libcurl's TLS is OpenSSL's (on_ssl_ctx) */
	int ca_file_only;	/* trust one CA file and no CA directory (see ca_file_only) */
	struct curl_slist *connect_to;
	zc_warc *warc;
	host_state *hosts;
	size_t n_hosts;
	int fatal;		/* a full disk or a database failure: stop */
	char fatal_msg[256];
	struct push_ctx *batch;	/* finished results waiting for their transaction */
	size_t n_batch;
	double batch_since;
	size_t batch_reqs;	/* requests found by the results in the batch */
	double last_progress;
	int inflight;		/* transfers added to the multi handle and not yet freed */
	char unparseable_url[512];	/* the first answer that held no document, and why */
} crawl;



/* requests to queue, each with the host whose queue takes it */
typedef struct queued_req {
	char *host;
	zc_request req;		/* holds its own strings */
} queued_req;
typedef struct req_list {
	queued_req *v;
	size_t n, cap;
} req_list;

/* a result for the batch; cr_commit() takes what it holds (requests, page, fetch state, retry) */
typedef struct push_ctx {
	crawl *c;
	req_list reqs;
	uint64_t del_seq;
	const char *del_host;
	zc_article *page;	/* optional new page to store */
	const char *page_url;
	zc_fetch fetch;		/* optional fetch state for page_url (has_fetch; the batch owns it) */
	int has_fetch;
	uint64_t page_id;
	int is_new;
	zc_request replace;	/* optional (has_replace): replace the request (retry) instead of deleting */
	int has_replace;
	const char *results_site;	/* optional: add results_n to the site's count for this run */
	const char *gap_site;	/* optional: a request of this site given up on (no complete run) */
	long results_n;
	long added;
	int count_page;		/* count the page as added or changed once it is committed */
} push_ctx;

/* Results are committed in groups: one LMDB transaction (and one fsync) settles up to
   BATCH_MAX finished requests, and none waits longer than BATCH_AGE.  A request whose result
   is still in the batch stays in the frontier, so a kill before the commit fetches it again
   on the next run; nothing is lost and nothing stored is fetched twice.  A group holds its
   pages' records in memory until it is committed: 16 rather than 32 keeps half a megabyte less
   resident in an unthrottled crawl for no CPU measured (docs/PERFORMANCE.md); a polite crawl
   closes its groups by their age long before they fill. */
#define BATCH_MAX 16
#define BATCH_REQS 256	/* ... or as soon as they carry this many requests found */
#define BATCH_AGE 0.1

typedef struct target {
	char scheme[8];		/* http or https */
	char host[256];		/* lower case */
	int port;
	char path[1024];	/* path and query, for robots.txt (cut at 1023 bytes) */
	const char *why;	/* NULL when usable, else why not */
} target;

typedef struct results_ctx {
	const char *site;
	long n;
} results_ctx;

/* crawl.c: notes, time, a failed write */
void cr_iso_now(char *out, size_t n);
void cr_note(const crawl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double cr_now(void);
double cr_wall(void);
void cr_write_failure(crawl *c, int rc, const char *file, int errnum);

/* target.c: where a URL connects, the hosts */
host_state *cr_host_of(crawl *c, const char *host);
int cr_mapped(crawl *c, const char *host, int port);
char *cr_robots_url(const target *t);
int cr_url_target(const char *url, target *t, CURLU **keep);

/* queue.c: pushing work, in groups committed together */
void cr_add_endpoint_page(crawl *c, req_list *reqs, const zc_site *site, int is_search, long k,
			      const char *kw, long page, long pages, long last, int inc);
int cr_commit(crawl *c, push_ctx *p);
int cr_flush(crawl *c);
int cr_in_batch(const crawl *c, const char *host, uint64_t seq);
void cr_paginate(crawl *c, req_list *reqs, const zc_request *req, long announced, int settled);
void cr_queue_req(req_list *reqs, const char *host, zc_request *req);
void cr_reqs_free(req_list *reqs);
void cr_request(zc_request *r, const char *kind, const zc_site *site, const char *url, const char *method,
		const char *body, long ep, const char *kw, long page);

/* run.c: a run's start, end and marks */
int cr_finish_run(zc_txn *t, void *arg);
int cr_marks_txn(zc_txn *t, void *arg);
int cr_results_txn(zc_txn *t, void *arg);
int cr_seed_frontier(crawl *c);
int cr_start_run(zc_txn *t, void *arg);
int cr_unfinished_run(zc_txn *t, void *arg);

/* transfer.c: transfers (libcurl) */
char *cr_archive_head(const char *head, size_t len, size_t *outlen);
int cr_ca_file_only(const char *cacert);
CURLSH *cr_cookie_jar(const char *file);
int cr_fetch_state(crawl *c, const char *url, zc_fetch *out);
char *cr_header_value(const char *head, const char *name);
int cr_start(crawl *c, host_state *h, uint64_t seq, zc_request *req, const char *robots_url);
int cr_tls_is_openssl(void);
void cr_xfer_free(crawl *c, xfer *x);

/* answer.c: what an answer does (search, list, article, robots.txt) */
void cr_done(crawl *c, CURLMsg *m);
void cr_report_problem(host_state *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cr_robots_cached(crawl *c, host_state *h, const char *url);

#endif
