/*
 * crawl.c - the event loop: per-host queues in the index, one libcurl multi handle, robots.txt
 * first on every host, politeness and backoff, conditional GET, the archive, and resume.
 *
 * Crash safety: a request leaves the frontier in the same LMDB transaction that stores what it
 * produced (the page, the links it found, the next pages), and the WARC record is flushed
 * before that transaction.  A crawl killed at any instant therefore resumes with exactly the
 * requests that had not been done; nothing stored is fetched again in that run.
 */
#include "crawler.h"
#include "parser.h"
#include "../common/zc.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/statvfs.h>
#include <unistd.h>

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
	json_t *req;		/* NULL for robots.txt */
	char *url;
	zc_buf body, head, reqhead;
	struct curl_slist *hdrs;
	char *post;
	int overflow;
	double started;
	json_t *fetch;		/* an article's fetch state when it was asked for, or NULL */
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

/* a note to the caller (one line, without its end) */
static void note(const crawl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const crawl *c, const char *fmt, ...)
{
	if (!c->o->note)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof line)	/* a URL too long for the line: its end is cut */
		memcpy(line + sizeof line - 4, "...", 4);
	c->o->note(line, c->o->note_arg);
}

static volatile sig_atomic_t interrupted;	/* the signal that stopped the crawl, or 0 */
static volatile sig_atomic_t signals;		/* how many came */
/* the first SIGINT or SIGTERM lets the transfers in flight end; a second stops them at once */
static void on_signal(int sig)
{
	if (!interrupted)
		interrupted = sig;
	if (signals < 2)
		signals++;
}

/* what a failed write says: the file, the system's own words and number for the error when
   there is one (a full disk, an I/O error), else ours; and the room left on the file's
   filesystem, since LMDB reports a write cut short by a full disk as EIO */
static void write_failure(crawl *c, int rc, const char *file, int errnum)
{
	char why[128], room[96] = "";
	c->fatal = rc;
	if (errnum > 0) {
		snprintf(why, sizeof why, "%s", strerror(errnum));
		why[0] = (char)tolower((unsigned char)why[0]);
	} else {
		snprintf(why, sizeof why, "%s", zc_strerror(rc));
	}
	char *dir = zc_strdup(file), *slash = strrchr(dir, '/');
	struct statvfs sv;
	if (slash)
		*slash = '\0';
	if (statvfs(slash ? dir : ".", &sv) == 0)
		snprintf(room, sizeof room, "; %llu KB free on its filesystem",
			 (unsigned long long)sv.f_bavail * sv.f_frsize / 1024);
	free(dir);
	int n = errnum > 0 ? snprintf(c->fatal_msg, sizeof c->fatal_msg, "cannot write %s: %s (errno %d)%s", file, why, errnum, room)
			   : snprintf(c->fatal_msg, sizeof c->fatal_msg, "cannot write %s: %s%s", file, why, room);
	if (n >= (int)sizeof c->fatal_msg)	/* a path too long for the message: its end is cut, the rest stands */
		memcpy(c->fatal_msg + sizeof c->fatal_msg - 4, "...", 4);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void iso_now(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Where a connection for a URL goes, as libcurl's own URL parser reads it: the transfer is
 * given the same parsed handle (CURLOPT_CURLU), so scope, robots.txt and the --connect-to
 * check decide on exactly what libcurl connects to.  A URL is usable only when its scheme is
 * http or https, it has no user info (http://IN-SCOPE@127.0.0.1/ connects to 127.0.0.1), and
 * its host is a plain name: IP literals (v4 in any notation libcurl accepts, v6), a trailing
 * dot or anything but letters, digits, '-' and '.' never equal a seed's host, so they are out
 * of scope by the same test.
 */
typedef struct target {
	char scheme[8];		/* http or https */
	char host[256];		/* lower case */
	int port;
	char path[1024];	/* path and query, for robots.txt (cut at 1023 bytes) */
	const char *why;	/* NULL when usable, else why not */
} target;

static int url_target(const char *url, target *t, CURLU **keep)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *pw = NULL, *path = NULL, *query = NULL;
	memset(t, 0, sizeof *t);
	t->why = "not a URL libcurl can read";
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
		t->why = "not http or https";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
		t->why = "it has user info before its host (it would connect to the host after the @)";
		goto out;
	}
	size_t hl = strlen(host);
	/* libcurl writes an IPv4 address in any notation as dotted decimal, IPv6 in brackets */
	if (!hl || hl >= sizeof t->host || host[hl - 1] == '.' || strspn(host, "0123456789.") == hl ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != hl) {
		t->why = "its host is not a plain host name";
		goto out;
	}
	for (size_t i = 0; i <= hl; i++)
		t->host[i] = (char)((host[i] >= 'A' && host[i] <= 'Z') ? host[i] + 32 : host[i]);
	for (size_t i = 0; scheme[i] && i + 1 < sizeof t->scheme; i++)
		t->scheme[i] = (char)((scheme[i] >= 'A' && scheme[i] <= 'Z') ? scheme[i] + 32 : scheme[i]);
	t->port = (int)strtol(port, NULL, 10);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	snprintf(t->path, sizeof t->path, "%s%s%s", path && *path ? path : "/", query ? "?" : "", query ? query : "");
	t->why = NULL;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pw);
	curl_free(path);
	curl_free(query);
	if (keep && !t->why)
		*keep = u;
	else
		curl_url_cleanup(u);
	return t->why == NULL;
}

int zc_url_target(const char *url, char *host, size_t n, int *port, const char **why)
{
	target t;
	int ok = url_target(url, &t, NULL);
	*why = t.why;
	*port = t.port;
	snprintf(host, n, "%s", ok ? t.host : "");
	return ok ? ZC_OK : ZC_ESCOPE;
}

/* scheme://host[:port]/robots.txt of a target, the port only when not the scheme's default */
static char *robots_url(const target *t)
{
	int dflt = !strcmp(t->scheme, "https") ? 443 : 80;
	if (t->port == dflt)
		return zc_asprintf("%s://%s/robots.txt", t->scheme, t->host);
	return zc_asprintf("%s://%s:%d/robots.txt", t->scheme, t->host, t->port);
}

static host_state *host_of(crawl *c, const char *host)
{
	for (size_t i = 0; i < c->n_hosts; i++)
		if (!strcmp(c->hosts[i].host, host))
			return &c->hosts[i];
	return NULL;
}

/* with --connect-to in force, only mapped host:port pairs may be reached */
static int mapped(crawl *c, const char *host, int port)
{
	if (!c->o->n_connect_to)
		return 1;
	for (size_t i = 0; i < c->o->n_connect_to; i++) {
		const char *m = c->o->connect_to[i];
		const char *colon = strchr(m, ':');
		if (!colon)
			continue;
		size_t hl = (size_t)(colon - m);
		long mport = strtol(colon + 1, NULL, 10);
		int host_ok = hl == 0 || (hl == strlen(host) && !strncasecmp(m, host, hl));
		int port_ok = colon[1] == ':' || mport == port;
		if (host_ok && port_ok)
			return 1;
	}
	return 0;
}

/* ---- pushing work ------------------------------------------------------------------------ */

typedef struct push_ctx {
	crawl *c;
	json_t *reqs;		/* array of {host, req, seen} */
	uint64_t del_seq;
	const char *del_host;
	json_t *page;		/* optional page to store */
	const char *page_url;
	json_t *fetch;		/* optional fetch state for page_url */
	uint64_t page_id;
	int is_new;
	json_t *replace;	/* optional: replace the request (retry) instead of deleting */
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

static int push_txn(zc_txn *t, void *arg)
{
	push_ctx *p = arg;
	int rc = ZC_OK;
	p->added = 0;
	for (size_t i = 0; i < json_array_size(p->reqs) && rc == ZC_OK; i++) {
		json_t *r = json_array_get(p->reqs, i);
		int added;
		rc = zc_tx_frontier_push(t, zc_jstr(r, "host"), json_object_get(r, "req"), zc_jstr(r, "seen"), &added);
		p->added += added;
	}
	long found;
	if (rc == ZC_OK && p->results_site && (rc = zc_tx_results_get(t, p->results_site, &found)) == ZC_OK)
		rc = zc_tx_results_put(t, p->results_site, found + p->results_n);
	if (rc == ZC_OK && p->gap_site)
		rc = zc_tx_site_gap_add(t, p->gap_site);
	if (rc == ZC_OK && (p->page || p->fetch))
		rc = zc_article_store(t, p->page_url, p->page, p->fetch, &p->page_id, &p->is_new);
	if (rc == ZC_OK && p->del_host) {
		if (p->replace)
			rc = zc_tx_frontier_replace(t, p->del_host, p->del_seq, p->replace);
		else
			rc = zc_tx_frontier_del(t, p->del_host, p->del_seq);
	}
	return rc;
}

static void queue_req(json_t *reqs, const char *host, json_t *req, const char *seen)
{
	json_t *q = json_object();
	json_object_set_new(q, "host", json_string(host));
	json_object_set_new(q, "req", req);
	json_object_set_new(q, "seen", json_string(seen));
	json_array_append_new(reqs, q);
}

static int flush_txn(zc_txn *t, void *arg)
{
	crawl *c = arg;
	int rc = ZC_OK;
	for (size_t i = 0; i < c->n_batch && rc == ZC_OK; i++) {
		rc = push_txn(t, &c->batch[i]);
		/* a result's writes reach a few pages all over the index, and each page read maps
		   its neighbours with it: drop them before the next result (docs/SCHEMA.md) */
		zc_index_trim(c->idx);
	}
	return rc;
}

/* commit the batch in one transaction; on failure the crawl stops (the corpus is as it was) */
static int flush(crawl *c)
{
	if (!c->n_batch)
		return ZC_OK;
	/* the archive's records reach the disk before the transaction that points into them */
	int rc = zc_warc_sync(c->warc);
	if (rc != ZC_OK && !c->fatal) {
		c->fatal = rc;
		snprintf(c->fatal_msg, sizeof c->fatal_msg, "cannot write the archive in %s/warc: %s", c->o->dir, zc_strerror(rc));
	}
	if (rc == ZC_OK)
		rc = zc_index_write(c->idx, flush_txn, c);
	zc_index_trim(c->idx);	/* the pages the transaction walked need not stay resident */
	malloc_trim(0);		/* and the heap the batch freed goes back to the system */
	if (rc != ZC_OK && !c->fatal) {
		char *file = zc_index_file(c->idx);
		write_failure(c, rc, file, zc_index_errno(c->idx));
		free(file);
	}
	for (size_t i = 0; i < c->n_batch; i++) {
		push_ctx *p = &c->batch[i];
		if (rc == ZC_OK) {
			for (size_t k = 0; k < json_array_size(p->reqs); k++) {
				host_state *h = host_of(c, zc_jstr(json_array_get(p->reqs, k), "host"));
				if (h)
					h->empty = 0;
			}
			/* a retry replaced its request: a peek made while it waited in the batch found
			   the host empty, and the host would never be asked again */
			if (p->replace) {
				host_state *h = host_of(c, p->del_host);
				if (h)
					h->empty = 0;
			}
			if (p->count_page) {
				if (p->is_new)
					c->sum->added++;
				else
					c->sum->changed++;
			}
		}
		json_decref(p->reqs);
		json_decref(p->page);
		json_decref(p->fetch);
		json_decref(p->replace);
		free((char *)p->page_url);
	}
	c->n_batch = 0;
	return rc;
}

/* queue a result for the next transaction (the batch takes its own references) */
static int commit(crawl *c, push_ctx *p)
{
	if (c->fatal)
		return c->fatal;
	if (!c->batch)
		c->batch = zc_calloc(BATCH_MAX, sizeof *c->batch);
	if (!c->n_batch) {
		c->batch_since = now();
		c->batch_reqs = 0;
	}
	c->batch_reqs += json_array_size(p->reqs);
	push_ctx *q = &c->batch[c->n_batch++];
	*q = *p;
	json_incref(q->reqs);
	json_incref(q->page);
	json_incref(q->fetch);
	json_incref(q->replace);
	q->page_url = p->page_url ? zc_strdup(p->page_url) : NULL;
	return c->n_batch == BATCH_MAX || c->batch_reqs >= BATCH_REQS ? flush(c) : ZC_OK;
}

/* is this request's result waiting in the batch? (then the frontier still holds it) */
static int in_batch(const crawl *c, const char *host, uint64_t seq)
{
	for (size_t i = 0; i < c->n_batch; i++)
		if (c->batch[i].del_host && c->batch[i].del_seq == seq && !strcmp(c->batch[i].del_host, host))
			return 1;
	return 0;
}

static json_t *request(const char *kind, const zc_site *site, const char *url, const char *method,
		       const char *body, long ep, const char *kw, long page)
{
	/* built field by field: json_pack's reading of its format cost twice the building */
	json_t *r = json_object();
	json_object_set_new(r, "kind", json_string(kind));
	json_object_set_new(r, "site", json_string(site->host));
	json_object_set_new(r, "url", json_string(url));
	json_object_set_new(r, "method", json_string(method));
	json_object_set_new(r, "body", json_string(body ? body : ""));
	json_object_set_new(r, "ep", json_integer(ep));
	json_object_set_new(r, "kw", json_string(kw ? kw : ""));
	json_object_set_new(r, "page", json_integer(page));
	json_object_set_new(r, "tries", json_integer(0));
	json_object_set_new(r, "not_before", json_real(0.0));
	json_object_set_new(r, "redirects", json_integer(0));
	return r;
}

static char *seen_key(const char *kind, const char *url, const char *body)
{
	return zc_asprintf("%s %s %s", kind, url, body ? body : "");
}

static void add_endpoint_page(crawl *c, json_t *reqs, const zc_site *site, int is_search, long k,
			      const char *kw, long page, long pages, long last, int inc)
{
	const zc_endpoint *ep = is_search ? &site->search[k] : &site->lists[k];
	const char *tpl = (page > 1 && ep->next) ? ep->next : ep->url;
	char *url = zc_template_expand(tpl, kw, page, pages, ep->page_size);
	char *body = ep->body ? zc_template_expand(ep->body, kw, page, pages, ep->page_size) : NULL;
	target tg;
	if (url_target(url, &tg, NULL)) {
		char *seen = seen_key(is_search ? "search" : "list", url, body);
		json_t *r = request(is_search ? "search" : "list", site, url, ep->method, body, k, kw, page);
		if (page > 1) {
			json_object_set_new(r, "pages", json_integer(pages));
			json_object_set_new(r, "last", json_integer(last));
		}
		if (inc)
			json_object_set_new(r, "inc", json_true());
		queue_req(reqs, tg.host, r, seen);
		free(seen);
	}
	(void)c;
	free(url);
	free(body);
}

/*
 * Pagination runs PAGE_AHEAD pages ahead of the answers: page 1 (which announces the page
 * count) queues pages 2 to 1 + PAGE_AHEAD, and page p, answered or given up on, queues page
 * p + PAGE_AHEAD.  Every page is queued once, and a search of thousands of pages never sits
 * whole in one transaction or in memory.
 *
 * An incremental request ("inc": its site had a complete run before this one) leaves the
 * results known since (zc_tx_fetch_known) to the full passes; where its endpoint gives
 * results newest first (order "date") it also pages one at a time: page p queues page p + 1
 * unless it was settled (all its results known and older than that run, see settled()), where
 * the re-crawl stops.  A page given up on is not settled: the next one is asked.
 */
#define PAGE_AHEAD 8

static void paginate(crawl *c, json_t *reqs, json_t *req, long announced, int settled)
{
	const char *kind = zc_jstr(req, "kind");
	const zc_site *s = zc_seeds_find(c->seeds, zc_jstr(req, "site"));
	int is_search = !strcmp(kind, "search");
	long k = (long)json_integer_value(json_object_get(req, "ep"));
	long page = (long)json_integer_value(json_object_get(req, "page"));
	if (!s || (!is_search && strcmp(kind, "list")) || k >= (long)(is_search ? s->n_search : s->n_lists))
		return;
	const zc_endpoint *ep = is_search ? &s->search[k] : &s->lists[k];
	int inc = json_is_true(json_object_get(req, "inc")), stops = inc && ep->date_order;
	long ahead = stops ? 1 : PAGE_AHEAD, pages, last, from, to;
	if (stops && settled)
		return;
	if (page == 1) {
		pages = announced;
		last = pages < ep->max_pages ? pages : ep->max_pages;
		from = 2;
		to = 1 + ahead;
	} else {
		pages = (long)json_integer_value(json_object_get(req, "pages"));
		last = (long)json_integer_value(json_object_get(req, "last"));
		from = to = page + ahead;
	}
	for (long pg = from; pg <= to && pg <= last; pg++)
		add_endpoint_page(c, reqs, s, is_search, k, zc_jstr(req, "kw"), pg, pages, last, inc);
}

char *zc_crawl_site_unknown(const zc_seeds *seeds, const char *only)
{
	if (!only)
		return NULL;
	char *copy = zc_strdup(only), *bad = NULL;
	for (char *tok = copy, *e; tok && !bad; tok = e ? e + 1 : NULL) {
		e = strchr(tok, ',');
		if (e)
			*e = '\0';
		int hit = 0;
		for (size_t i = 0; i < seeds->n && !hit; i++)
			hit = !strcmp(tok, seeds->sites[i].host) || !strcmp(tok, seeds->sites[i].jurisdiction);
		if (!hit)
			bad = zc_strdup(tok);
	}
	free(copy);
	return bad;
}

int zc_crawl_site_selected(const char *only, const zc_site *s)
{
	if (!only || !*only)
		return 1;
	char *copy = zc_strdup(only);
	int hit = 0;
	for (char *tok = copy, *e; tok && *tok && !hit; tok = e ? e + 1 : NULL) {
		e = strchr(tok, ',');
		if (e)
			*e = '\0';
		if (!strcmp(tok, s->host) || !strcmp(tok, s->jurisdiction))
			hit = 1;
	}
	free(copy);
	return hit;
}

/* whether the last run stopped before its end (killed, interrupted, a full disk) with
   requests still queued: then this run resumes it */
static int unfinished_run(zc_txn *t, void *arg)
{
	return zc_tx_run_unfinished(t, arg);
}

/* A new run searches every site again from the start.  What a finished run left queued (a
   challenged host's requests, kept while that run lasted) goes: the searches find it again,
   and a blocked or failed host never keeps the other sites from being searched. */
/* days from 1970-01-01 to an ISO 8601 date (its first ten characters), or -1 */
static long iso_days(const char *iso)
{
	char *e;
	long y = strtol(iso, &e, 10), m = *e == '-' ? strtol(e + 1, &e, 10) : 0, d = *e == '-' ? strtol(e + 1, &e, 10) : 0;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	y -= m <= 2;	/* days from civil (H. Hinnant) */
	long era = y / 400, yoe = y - era * 400, mp = (m + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Whether this run walks every page of site s: asked for (--full), a site never crawled to
   its end, or a full pass due by the corpus's policy (ZC_FULL_RUNS complete runs, or
   ZC_FULL_DAYS days, since the last). */
static int full_due(const crawl *c, const zc_site_mark *m, const zc_full_policy *pol, const char *today)
{
	if (c->o->full || !m->complete[0] || !m->full[0] || m->since_full >= pol->runs)
		return 1;
	long d0 = iso_days(m->full), d1 = iso_days(today);
	return d0 < 0 || d1 < 0 || d1 - d0 >= pol->days;
}

static int start_run(zc_txn *t, void *arg)
{
	crawl *c = arg;
	char when[32];
	iso_now(when, sizeof when);
	zc_full_policy pol;
	int rc = zc_tx_frontier_reset(t);
	if (rc == ZC_OK)
		rc = zc_tx_full_policy_get(t, &pol);
	if (rc == ZC_OK && (c->o->full_runs > 0 || c->o->full_days > 0)) {
		if (c->o->full_runs > 0)
			pol.runs = c->o->full_runs;
		if (c->o->full_days > 0)
			pol.days = c->o->full_days;
		rc = zc_tx_full_policy_put(t, &pol);
	}
	for (size_t i = 0; i < c->seeds->n && rc == ZC_OK; i++) {
		const zc_site *s = &c->seeds->sites[i];
		rc = zc_tx_results_put(t, s->host, 0);
		zc_site_mark m;
		if (rc != ZC_OK || !zc_crawl_site_selected(c->o->only, s) || (rc = zc_tx_site_mark_get(t, s->host, &m)) != ZC_OK)
			continue;
		m.run_full = full_due(c, &m, &pol, when);
		m.run_gaps = 0;
		rc = zc_tx_site_mark_put(t, s->host, &m);
	}
	if (rc == ZC_OK)
		rc = zc_tx_run_started_put(t, when);
	if (rc == ZC_OK)
		rc = zc_tx_run_begin(t);
	return rc;
}

/* the run ended: each site searched to its end with nothing given up on (no gap, no
   challenge, no problem) had a complete run, from when this run started */
static int finish_run(zc_txn *t, void *arg)
{
	crawl *c = arg;
	char when[32], started[32];
	iso_now(when, sizeof when);
	int rc = zc_tx_run_started_get(t, started, sizeof started);
	for (size_t i = 0; i < c->sum->n_sites && rc == ZC_OK; i++) {
		const zc_site_report *r = &c->sum->sites[i];
		zc_site_mark m;
		if ((rc = zc_tx_site_mark_get(t, r->host, &m)) != ZC_OK)
			break;
		/* what kept the site from its end stays reported (stats) until a run completes it */
		if (r->failed || r->challenged) {
			rc = zc_tx_site_problem_put(t, r->host, started, r->problem[0] ? r->problem : "not searched to its end");
			continue;
		}
		if (m.run_gaps || !started[0])
			continue;
		if ((rc = zc_tx_site_problem_clear(t, r->host)) != ZC_OK)
			break;
		snprintf(m.complete, sizeof m.complete, "%s", started);
		if (m.run_full) {
			snprintf(m.full, sizeof m.full, "%s", started);
			m.since_full = 0;
		} else {
			m.since_full++;
		}
		rc = zc_tx_site_mark_put(t, r->host, &m);
	}
	if (rc == ZC_OK)
		rc = zc_tx_run_end(t, when);
	return rc;
}

/* what each selected site does in this run (decided when it started), into its report */
static int marks_txn(zc_txn *t, void *arg)
{
	crawl *c = arg;
	for (size_t i = 0; i < c->sum->n_sites; i++) {
		zc_site_report *r = &c->sum->sites[i];
		zc_site_mark m;
		int rc = zc_tx_site_mark_get(t, r->host, &m);
		if (rc != ZC_OK)
			return rc;
		r->incremental = !m.run_full;
		snprintf(r->since, sizeof r->since, "%s", m.complete);
		for (size_t k = 0; k < c->n_hosts; k++)
			if (c->hosts[k].rep == r)
				c->hosts[k].since_day = (int)(r->incremental ? zc_text_last_day(m.complete, strlen(m.complete)) : 0);
	}
	return ZC_OK;
}

static const zc_site_report *report_of(const crawl *c, const char *host)
{
	for (size_t i = 0; i < c->sum->n_sites; i++)
		if (!strcmp(c->sum->sites[i].host, host))
			return &c->sum->sites[i];
	return NULL;
}

typedef struct results_ctx {
	const char *site;
	long n;
} results_ctx;

static int results_txn(zc_txn *t, void *arg)
{
	results_ctx *r = arg;
	return zc_tx_results_get(t, r->site, &r->n);
}

static int seed_frontier(crawl *c)
{
	json_t *reqs = json_array();
	for (size_t i = 0; i < c->seeds->n; i++) {
		const zc_site *s = &c->seeds->sites[i];
		if (!zc_crawl_site_selected(c->o->only, s))
			continue;
		const zc_site_report *r = report_of(c, s->host);
		int inc = r && r->incremental;
		for (size_t k = 0; k < s->n_search; k++)
			for (size_t w = 0; w < c->o->n_keywords; w++)
				add_endpoint_page(c, reqs, s, 1, (long)k, c->o->keywords[w], 1, 1, 1, inc);
		for (size_t k = 0; k < s->n_lists; k++)
			add_endpoint_page(c, reqs, s, 0, (long)k, NULL, 1, 1, 1, inc);
	}
	push_ctx p = {.c = c, .reqs = reqs};
	int rc = commit(c, &p);
	json_decref(reqs);
	return rc == ZC_OK ? flush(c) : rc;
}

/* ---- transfers ------------------------------------------------------------------------ */

/* what fits of p into b: a head is archived as far as its 64 KB go */
static void add_what_fits(zc_buf *b, const char *p, size_t n)
{
	size_t room = b->max - b->len;
	if (zc_buf_add(b, p, n < room ? n : room) != ZC_OK)
		zc_buf_reset(b);	/* not reached: what is added fits */
}

static size_t on_body(char *ptr, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	if (zc_buf_add(&x->body, ptr, size * n) != ZC_OK) {
		x->overflow = 1;
		return 0;
	}
	return size * n;
}

static size_t on_header(char *ptr, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	/* a new status line (1xx, then the final answer) starts the head again */
	if (size * n >= 5 && !strncmp(ptr, "HTTP/", 5))
		zc_buf_reset(&x->head);
	add_what_fits(&x->head, ptr, size * n);
	return size * n;
}

static int on_debug(CURL *e, curl_infotype type, char *data, size_t size, void *ud)
{
	(void)e;
	xfer *x = ud;
	if (x->c->trace && type == CURLINFO_TEXT) {
		int n = (int)size;
		while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
			n--;
		note(x->c, "* %.*s", n, data);
	}
	if (type == CURLINFO_HEADER_OUT) {
		zc_buf_reset(&x->reqhead);
		add_what_fits(&x->reqhead, data, size);
	}
	return 0;
}

typedef struct fetch_read {
	const char *url;
	json_t *out;
} fetch_read;

static int fetch_txn(zc_txn *t, void *arg)
{
	fetch_read *g = arg;
	if (zc_tx_fetch_get(t, g->url, &g->out) != ZC_OK)
		g->out = NULL;	/* none yet, or unreadable: fetched as new */
	return ZC_OK;
}

/* the fetch state of url, NULL when it has none */
static json_t *fetch_state(crawl *c, const char *url)
{
	fetch_read g = {url, NULL};
	if (zc_index_read(c->idx, fetch_txn, &g) != ZC_OK) {
		json_decref(g.out);
		return NULL;
	}
	return g.out;
}

/* One jar for the whole run, filled from the file once by libcurl's own reader: a transfer
   given the file itself reads it again at every request.  Cookies the sites set are kept in it
   for the run, as a browser keeps them.  NULL when libcurl cannot share cookies. */
static CURLSH *cookie_jar(const char *file)
{
	CURLSH *sh = curl_share_init();
	CURL *e = curl_easy_init();
	if (!sh || !e || curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE) != CURLSHE_OK ||
	    curl_easy_setopt(e, CURLOPT_SHARE, sh) != CURLE_OK) {
		curl_share_cleanup(sh);
		sh = NULL;
	} else {
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, file);
		curl_easy_setopt(e, CURLOPT_COOKIELIST, "RELOAD");
	}
	curl_easy_cleanup(e);	/* the jar stays with the share */
	return sh;
}

/* libcurl's receive buffer for each transfer (see start) */
#define RECV_BUFFER 4096L

/* A kept connection waits between its host's requests with OpenSSL's record buffers (17 KB
   each way) allocated, 64 hosts at a time; this mode gives them back while it waits.  Only for
   a libcurl whose TLS is OpenSSL's: the context handed over is of its TLS library's type. */
static int tls_is_openssl(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	return v->ssl_version && !strncmp(v->ssl_version, "OpenSSL/", 8);
}

/* libcurl (7.87 and later) builds the certificate store of the trusted CAs once a run and
   keeps it in the multi handle, but only when the CAs come from a file alone; with a CA
   directory too (Debian's libcurl has /etc/ssl/certs as its default) it reads and decodes the
   whole file again at every new connection: more CPU than the rest of the TLS handshake.  The
   directory holds the same certificates as Debian's bundle, so with a bundle to read (--cacert
   or libcurl's default) the directory is left out. */
static int ca_file_only(const char *cacert)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	const char *file = cacert ? cacert : v->cainfo;
	return file && access(file, R_OK) == 0;
}

static CURLcode on_ssl_ctx(CURL *e, void *ctx, void *arg)
{
	(void)e;
	(void)arg;
	SSL_CTX_set_mode((SSL_CTX *)ctx, SSL_MODE_RELEASE_BUFFERS);
	return CURLE_OK;
}

static int start(crawl *c, host_state *h, uint64_t seq, json_t *req, const char *robots_url)
{
	xfer *x = zc_calloc(1, sizeof *x);
	const zc_crawl_opts *o = c->o;
	x->h = h;
	x->c = c;
	x->seq = seq;
	x->req = req;
	x->url = zc_strdup(robots_url ? robots_url : zc_jstr(req, "url"));
	zc_buf_init(&x->body, o->max_body);
	zc_buf_init(&x->head, 65536);
	zc_buf_init(&x->reqhead, 65536);
	x->easy = curl_easy_init();
	CURL *e = x->easy;
	target tg;
	if (url_target(x->url, &tg, &x->cu))
		curl_easy_setopt(e, CURLOPT_CURLU, x->cu);
	else
		curl_easy_setopt(e, CURLOPT_URL, x->url);	/* the loop checked it: libcurl names the error */
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, x);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->timeout < 15 ? o->timeout : 15L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	/* each transfer in flight (one a host, 64 at a time) holds a receive buffer, 16 KB unless
	   told; the body is copied out of it anyway (on_body), so a smaller one only means a few
	   more calls per page */
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, RECV_BUFFER);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	if (o->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert);
	if (c->ca_file_only)
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	if (c->openssl)
		curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	if (c->cookies) {
		curl_easy_setopt(e, CURLOPT_SHARE, c->cookies);
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");	/* the engine on, no file to read */
	} else if (o->cookies)
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, o->cookies);	/* no jar: the file at every request */
	if (c->connect_to)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, c->connect_to);
	if (req) {
		const zc_site *s = h->site;
		const char *kind = zc_jstr(req, "kind");
		long ep = (long)json_integer_value(json_object_get(req, "ep"));
		const zc_endpoint *endp = NULL;
		if (!strcmp(kind, "search") && ep < (long)s->n_search)
			endp = &s->search[ep];
		else if (!strcmp(kind, "list") && ep < (long)s->n_lists)
			endp = &s->lists[ep];
		if (endp && endp->referer) {
			char *r = zc_asprintf("Referer: %s", endp->referer);
			x->hdrs = curl_slist_append(x->hdrs, r);
			free(r);
		}
		if (!strcmp(zc_jstr(req, "method"), "POST")) {
			x->post = zc_strdup(zc_jstr(req, "body"));
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->post);
			x->hdrs = curl_slist_append(x->hdrs, "X-Requested-With: XMLHttpRequest");
		}
		if (!strcmp(kind, "article")) {
			/* kept for the answer too (done): one request per host at a time, so nothing
			   else changes it in between */
			json_t *fs = x->fetch = fetch_state(c, x->url);
			if (fs) {
				char *hdr;
				if (*zc_jstr(fs, "etag")) {
					hdr = zc_asprintf("If-None-Match: %s", zc_jstr(fs, "etag"));
					x->hdrs = curl_slist_append(x->hdrs, hdr);
					free(hdr);
				}
				if (*zc_jstr(fs, "last_modified")) {
					hdr = zc_asprintf("If-Modified-Since: %s", zc_jstr(fs, "last_modified"));
					x->hdrs = curl_slist_append(x->hdrs, hdr);
					free(hdr);
				}
			}
		}
		if (x->hdrs)
			curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	}
	x->started = now();
	h->busy = 1;
	h->cur = x;
	h->rep->requests++;
	c->sum->requests++;
	c->inflight++;
	curl_multi_add_handle(c->multi, e);
	return ZC_OK;
}

static void xfer_free(crawl *c, xfer *x)
{
	c->inflight--;
	if (x->h->cur == x)
		x->h->cur = NULL;
	curl_multi_remove_handle(c->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_url_cleanup(x->cu);
	curl_slist_free_all(x->hdrs);
	zc_buf_free(&x->body);
	zc_buf_free(&x->head);
	zc_buf_free(&x->reqhead);
	json_decref(x->req);
	json_decref(x->fetch);
	free(x->post);
	free(x->url);
	free(x);
}

/* a response head for the archive: headers that no longer describe the decoded, de-chunked
   body are renamed, as WARC writers do */
static char *archive_head(const char *head, size_t len, size_t *outlen)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	const char *p = head, *end = head + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
		if (!strncasecmp(p, "Content-Encoding:", 17) || !strncasecmp(p, "Transfer-Encoding:", 18) ||
		    !strncasecmp(p, "Content-Length:", 15))
			zc_buf_cats(&b, "X-Crawler-");
		zc_buf_cat(&b, p, n);
		p += n;
	}
	*outlen = b.len;
	return zc_buf_take(&b);
}

static char *header_value(const char *head, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = head; p && *p;) {
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			const char *e = v;
			while (*e && *e != '\r' && *e != '\n')
				e++;
			return zc_strndup(v, (size_t)(e - v));
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static void report_problem(host_state *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report_problem(host_state *h, const char *fmt, ...)
{
	if (h->rep->problem[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->rep->problem, sizeof h->rep->problem, fmt, ap);
	va_end(ap);
}

/*
 * Anti-bot challenges.  412 and 521 are what the challenge scripts (Ruishu, Jiasule) answer
 * with; a page answered 200 or 202 is a challenge only by the parser's test (a challenge's
 * script marker and almost no text, zc_parse_page): an article with a marker in an ordinary
 * script (pager='m') is a document.  Articles get that test from the article callback;
 * answers that do not read as their format get it here.
 */
static int is_challenge_status(long status)
{
	return status == 412 || status == 521;
}

static int is_challenge_page(const char *body, size_t len, const char *url, const char *ctype)
{
	if (!body || !zc_challenge_marker(body))
		return 0;
	zc_doc *d = NULL;
	int rc = zc_parse_page(body, len, url, ctype, &d);
	zc_doc_free(&d);
	return rc == ZC_ECHALLENGE;
}

/* nothing more from this host this run; its requests stay queued until the run ends */
static void challenged(crawl *c, host_state *h, long status)
{
	h->blocked = 1;
	h->rep->challenged = 1;
	c->sum->challenged++;
	report_problem(h, "%s: %ld JavaScript challenge, pass --cookies FILE", h->host, status);
}

/* schedule a retry or give up */
static void retry_or_fail(crawl *c, xfer *x, const char *why, double retry_after)
{
	host_state *h = x->h;
	json_t *req = x->req;
	int tries = (int)json_integer_value(json_object_get(req, "tries")) + 1;
	push_ctx p = {.c = c, .reqs = json_array(), .del_host = h->host, .del_seq = x->seq};
	if (tries >= c->o->tries) {
		c->sum->failed++;
		h->rep->errors++;
		if (c->o->verbose)
			note(c, "giving up on %s after %d tries: %s", x->url, tries, why);
		report_problem(h, "%s: %s after %d tries", x->url, why, tries);
		p.gap_site = h->site->host;
		paginate(c, p.reqs, req, 0, 0);
	} else {
		double wait = c->o->backoff * pow(2.0, tries - 1);
		if (retry_after > wait)
			wait = retry_after;
		if (wait > 300)
			wait = 300;
		json_t *r = json_deep_copy(req);
		json_object_set_new(r, "tries", json_integer(tries));
		json_object_set_new(r, "not_before", json_real(wall() + wait));
		json_object_set_new(r, "last_error", json_string(why));
		p.replace = r;
		h->next_at = now() + wait;
		h->backing_off = 1;
	}
	commit(c, &p);
	json_decref(p.replace);
	json_decref(p.reqs);
}

/* known: NULL, or which links had a final answer before (an incremental answer leaves them) */
static void enqueue_links(crawl *c, json_t *reqs, const zc_links *l, const char *known)
{
	for (size_t i = 0; i < l->n; i++) {
		if (known && known[i])
			continue;
		target tg;
		const zc_site *s = url_target(l->urls[i], &tg, NULL) ? zc_seeds_scope(c->seeds, tg.host) : NULL;
		if (!s) {
			c->sum->skipped_scope++;
			if (c->o->verbose)
				note(c, "%s: out of scope (%s); skipped", l->urls[i], tg.why ? tg.why : "not a seed's host");
			continue;
		}
		char *seen = seen_key("article", l->urls[i], NULL);
		queue_req(reqs, tg.host, request("article", s, l->urls[i], "GET", NULL, 0, NULL, 0), seen);
		free(seen);
	}
}

typedef struct known_ctx {
	const zc_links *l;
	char *known;
} known_ctx;

static int known_txn(zc_txn *t, void *arg)
{
	known_ctx *k = arg;
	for (size_t i = 0; i < k->l->n; i++)
		k->known[i] = (char)zc_tx_fetch_known(t, k->l->urls[i]);
	return ZC_OK;
}

/* Whether an answer of results newest first settles its search: every result in it known
   (known[i]) and dated before the day the site's last complete run started (since_day), so
   that what follows is older still and was there for that run to find.  An empty page
   settles it (the end); a result without a date does not. */
static int settled(const zc_links *l, const char *known, int since_day)
{
	for (size_t i = 0; i < l->n; i++)
		if (!known[i] || !l->days[i] || l->days[i] >= since_day)
			return 0;
	return since_day > 0;
}

static void handle_answer(crawl *c, xfer *x, long status, const char *ctype)
{
	host_state *h = x->h;
	json_t *req = x->req;
	const char *kind = zc_jstr(req, "kind");
	const zc_site *s = zc_seeds_find(c->seeds, zc_jstr(req, "site"));
	long ep = (long)json_integer_value(json_object_get(req, "ep"));
	long page = (long)json_integer_value(json_object_get(req, "page"));
	int is_search = !strcmp(kind, "search");
	if (!s || ep >= (long)(is_search ? s->n_search : s->n_lists)) {
		push_ctx p = {.c = c, .reqs = json_array(), .del_host = h->host, .del_seq = x->seq};
		commit(c, &p);
		json_decref(p.reqs);
		return;
	}
	const zc_endpoint *endp = is_search ? &s->search[ep] : &s->lists[ep];
	zc_links l;
	if (zc_answer_parse(endp, x->url, x->body.data ? x->body.data : "", x->body.len, ctype, &l) != ZC_OK) {
		if (is_challenge_page(x->body.data, x->body.len, x->url, ctype)) {
			challenged(c, h, status);
			return;
		}
		report_problem(h, "%s answered something that is not a %s answer: the site may have been redesigned; check its seed",
			       x->url, endp->answer);
		h->rep->errors++;
		c->sum->failed++;
		push_ctx p = {.c = c, .reqs = json_array(), .del_host = h->host, .del_seq = x->seq, .gap_site = s->host};
		paginate(c, p.reqs, req, 0, 0);
		commit(c, &p);
		json_decref(p.reqs);
		return;
	}
	json_t *reqs = json_array();
	known_ctx kc = {&l, NULL};
	if (json_is_true(json_object_get(req, "inc"))) {
		kc.known = zc_calloc(l.n + 1, 1);
		if (zc_index_read(c->idx, known_txn, &kc) != ZC_OK)
			memset(kc.known, 0, l.n + 1);	/* none known: the pages go on */
	}
	enqueue_links(c, reqs, &l, kc.known);
	if (page == 1 && l.pages > endp->max_pages)
		report_problem(h, "%s announces %ld pages; stopped at max_pages %d", x->url, l.pages, endp->max_pages);
	paginate(c, reqs, req, l.pages, kc.known && settled(&l, kc.known, h->since_day));
	free(kc.known);
	push_ctx p = {.c = c, .reqs = reqs, .del_host = h->host, .del_seq = x->seq, .results_site = s->host,
		      .results_n = (long)l.n};
	commit(c, &p);
	json_decref(reqs);
	zc_links_free(&l);
}

/* old: the URL's fetch state before this answer, or NULL (borrowed) */
static void handle_article(crawl *c, xfer *x, long status, const char *ctype, const zc_warc_ref *ref,
			   const char *digest, json_t *old)
{
	host_state *h = x->h;
	const zc_site *s = zc_seeds_scope(c->seeds, h->host);
	char when[32];
	iso_now(when, sizeof when);
	push_ctx p = {.c = c, .reqs = json_array(), .del_host = h->host, .del_seq = x->seq, .page_url = x->url};
	char *etag = header_value(x->head.data ? x->head.data : "", "ETag");
	char *lm = header_value(x->head.data ? x->head.data : "", "Last-Modified");
	if (status == 304) {
		c->sum->unchanged++;
		p.fetch = old ? json_deep_copy(old) : json_object();
		json_object_set_new(p.fetch, "status", json_integer(304));
		json_object_set_new(p.fetch, "checked_at", json_string(when));
	} else {
		json_t *w = json_object();
		json_object_set_new(w, "file", json_string(ref->file));
		json_object_set_new(w, "offset", json_integer((json_int_t)ref->offset));
		json_object_set_new(w, "record_id", json_string(ref->record_id));
		zc_capture cap = {.url = x->url, .ctype = ctype, .body = x->body.data ? x->body.data : "", .len = x->body.len,
				  .status = status, .digest = digest, .when = when, .etag = etag, .last_modified = lm,
				  .tries = json_integer_value(json_object_get(x->req, "tries")) + 1, .warc = w};
		const char *why = NULL;
		int arc = zc_article_take(c->article, c->arg, s, h->host, &cap, old, &p.page, &p.fetch, &why);
		json_decref(w);
		if (arc == ZC_ECHALLENGE) {
			challenged(c, h, status);
			json_decref(p.reqs);
			free(etag);
			free(lm);
			return;	/* the request stays queued while this run lasts */
		}
		if (arc != ZC_OK) {
			c->sum->unparseable++;
			if (!c->unparseable_url[0])
				snprintf(c->unparseable_url, sizeof c->unparseable_url, "%s: %s", x->url, why);
			if (c->o->verbose)
				note(c, "%s: %s; not stored as a document", x->url, why);
			goto done;
		}
		if (!p.page)
			c->sum->unchanged++;
		p.count_page = p.page != NULL;
	}
done:
	h->rep->articles++;
	commit(c, &p);
	json_decref(p.page);
	json_decref(p.fetch);
	json_decref(p.reqs);
	free(etag);
	free(lm);
}

#define ROBOTS_TTL 86400.0	/* RFC 9309: a cached robots.txt is good for 24 hours */

/* robots.txt rules and the host's delay from an answer (status 0: unreachable) */
static void apply_robots(crawl *c, host_state *h, long status, const char *text, size_t len)
{
	zc_robots_free(&h->robots);
	if (status >= 200 && status < 300)
		h->robots = zc_robots_parse(text, len, "zhengce");
	else if (status >= 400 && status < 500)
		h->robots = zc_robots_all(1);
	else
		h->robots = zc_robots_all(0);
	h->robots_state = ROBOTS_READY;
	double d = zc_robots_delay(h->robots);
	h->delay = c->o->delay;
	if (d > 0) {
		if (d > c->o->max_crawl_delay) {
			if (c->o->verbose)
				note(c, "%s asks for Crawl-delay %.1f s; capped at %.1f s", h->host, d, c->o->max_crawl_delay);
			d = c->o->max_crawl_delay;
		}
		if (d > h->delay)
			h->delay = d;
	}
}

static void handle_robots(crawl *c, xfer *x, long status, CURLcode cc)
{
	host_state *h = x->h;
	const char *text = x->body.data ? x->body.data : "";
	if (cc == CURLE_OK && status >= 200 && status < 500) {
		apply_robots(c, h, status, text, x->body.len);
		/* kept for a resumed or repeated crawl within the day (not when it is not UTF-8), with
		   the next group of results: a transaction of its own made a sync of every host's
		   robots.txt, a third of a first crawl's, and a kill before the group only costs the
		   next run this request again */
		json_t *body = json_stringn(text, x->body.len);
		if (body) {
			push_ctx p = {.c = c, .page_url = x->url,
				      .fetch = json_pack("{s:i,s:o,s:f}", "status", (int)status, "robots", body, "at", wall())};
			commit(c, &p);
			json_decref(p.fetch);
		}
	} else {
		/* unreachable (RFC 9309 2.3.1.4): assume complete disallow for this run */
		apply_robots(c, h, 0, "", 0);
		report_problem(h, "robots.txt of %s unreachable (%s); nothing fetched from it this run", h->host,
			       cc != CURLE_OK ? curl_easy_strerror(cc) : "server error");
		h->rep->failed = 1;
	}
}

/* a robots.txt fetched less than a day ago: applied without a request */
static int robots_cached(crawl *c, host_state *h, const char *url)
{
	json_t *r = fetch_state(c, url);
	int hit = 0;
	if (r && json_is_string(json_object_get(r, "robots")) &&
	    wall() - json_real_value(json_object_get(r, "at")) < ROBOTS_TTL) {
		const char *text = json_string_value(json_object_get(r, "robots"));
		apply_robots(c, h, (long)json_integer_value(json_object_get(r, "status")), text, strlen(text));
		hit = 1;
	}
	json_decref(r);
	return hit;
}

static void done(crawl *c, CURLMsg *m)
{
	xfer *x;
	curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
	host_state *h = x->h;
	CURLcode cc = m->data.result;
	long status = 0;
	char *ct = NULL;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
	char *ctype = ct ? zc_strdup(ct) : NULL;
	json_t *old = x->fetch;	/* the fetch state before this answer: the WARC revisit digest and the article's history */
	h->busy = 0;
	h->backing_off = 0;
	h->done++;
	h->next_at = now() + h->delay;

	if (!x->req) {
		handle_robots(c, x, status, cc);
		h->next_at = now() + h->delay;	/* the Crawl-delay counts from robots.txt on */
		goto out;
	}
	/* archive whatever came back */
	zc_warc_ref ref = {0};
	char digest[48] = "";
	zc_warc_digest(x->body.data ? x->body.data : "", x->body.len, digest);
	if (status > 0 && c->warc) {
		size_t hl;
		char *head = archive_head(x->head.data ? x->head.data : "", x->head.len, &hl);
		zc_buf rq;
		zc_buf_init(&rq, ZC_BUF_UNLIMITED);
		zc_buf_cat(&rq, x->reqhead.data ? x->reqhead.data : "", x->reqhead.len);
		if (x->post)
			zc_buf_cats(&rq, x->post);
		int wrc = zc_warc_exchange(c->warc, x->url, rq.data ? rq.data : "", rq.len, head, hl,
					   x->body.data ? x->body.data : "", x->body.len, digest, (int)status,
					   old ? zc_jstr(old, "digest") : NULL, &ref);
		zc_buf_free(&rq);
		free(head);
		if (wrc != ZC_OK) {
			int err = errno;	/* the failed write's, before anything else can change it */
			char *file = zc_asprintf("%s/warc/%s", c->o->dir, zc_warc_name(c->warc));
			write_failure(c, wrc, file, wrc == ZC_EFULL || wrc == ZC_EIO || wrc <= ZC_ERRNO(1) ? err : 0);
			free(file);
			goto out;
		}
	}
	if (x->overflow || cc == CURLE_FILESIZE_EXCEEDED) {
		c->sum->failed++;
		h->rep->errors++;
		report_problem(h, "%s is larger than --max-body (%zu bytes, decompressed); skipped", x->url, c->o->max_body);
		push_ctx p = {.c = c, .reqs = json_array(), .del_host = h->host, .del_seq = x->seq, .gap_site = h->site->host};
		paginate(c, p.reqs, x->req, 0, 0);
		commit(c, &p);
		json_decref(p.reqs);
		goto out;
	}
	if (cc != CURLE_OK) {
		retry_or_fail(c, x, curl_easy_strerror(cc), 0);
		goto out;
	}
	if (is_challenge_status(status)) {
		challenged(c, h, status);
		goto out;
	}
	if (status == 429 || status >= 500) {
		char *ra = header_value(x->head.data ? x->head.data : "", "Retry-After");
		double after = ra ? strtod(ra, NULL) : 0;
		free(ra);
		char why[64];
		snprintf(why, sizeof why, "HTTP %ld", status);
		retry_or_fail(c, x, why, after);
		goto out;
	}
	if (status >= 300 && status < 400 && status != 304) {
		char *loc = header_value(x->head.data ? x->head.data : "", "Location");
		char *to = loc ? zc_url_resolve(x->url, loc) : NULL;
		int redirects = (int)json_integer_value(json_object_get(x->req, "redirects"));
		push_ctx p = {.c = c, .reqs = json_array(), .del_host = h->host, .del_seq = x->seq};
		target from, tg;
		const char *refused = NULL;
		if (!to)
			refused = "no usable Location";
		else if (redirects >= 5)
			refused = "too many redirects (a loop?)";
		else if (!url_target(to, &tg, NULL))
			refused = tg.why;
		else if (!zc_seeds_scope(c->seeds, tg.host))
			refused = "a host outside the seeds";
		else if (url_target(x->url, &from, NULL) && !strcmp(from.scheme, "https") && !strcmp(tg.scheme, "http"))
			refused = "from https down to http";
		if (!refused) {
			json_t *r = json_deep_copy(x->req);
			json_object_set_new(r, "url", json_string(to));
			json_object_set_new(r, "redirects", json_integer(redirects + 1));
			char *seen = seen_key(zc_jstr(r, "kind"), to, zc_jstr(r, "body"));
			queue_req(p.reqs, tg.host, r, seen);
			free(seen);
		} else {
			c->sum->failed++;
			h->rep->errors++;
			if (c->o->verbose)
				note(c, "%s redirects to %s: %s; not followed", x->url, to ? to : "nothing", refused);
			report_problem(h, "%s redirects to %s: %s; not followed", x->url, to ? to : "nothing", refused);
			p.gap_site = h->site->host;
			paginate(c, p.reqs, x->req, 0, 0);
		}
		commit(c, &p);
		json_decref(p.reqs);
		free(loc);
		free(to);
		goto out;
	}
	const char *kind = zc_jstr(x->req, "kind");
	if (status == 304 || (status >= 200 && status < 300)) {
		if (!strcmp(kind, "article"))
			handle_article(c, x, status, ctype, &ref, digest, old);
		else
			handle_answer(c, x, status, ctype);
		goto out;
	}
	/* 4xx: not there; a search or list that is gone means a redesign */
	{
		c->sum->failed++;
		h->rep->errors++;
		if (strcmp(kind, "article"))
			report_problem(h, "%s answered %ld: the site may have been redesigned; check its seed", x->url, status);
		push_ctx p = {.c = c, .reqs = json_array(), .del_host = h->host, .del_seq = x->seq};
		p.page_url = x->url;
		p.fetch = json_pack("{s:i}", "status", (int)status);
		if (strcmp(kind, "article"))	/* an article that is gone is an answer; a list that is, a gap */
			p.gap_site = h->site->host;
		paginate(c, p.reqs, x->req, 0, 0);
		commit(c, &p);
		json_decref(p.fetch);
		json_decref(p.reqs);
	}
out:
	free(ctype);
	xfer_free(c, x);
}

/* ---- the loop ----------------------------------------------------------------------------- */

typedef struct peek_ctx {
	const crawl *c;
	const char *host;
	uint64_t seq;
	json_t *req;
	int rc;
} peek_ctx;

static int peek_txn(zc_txn *t, void *arg)
{
	peek_ctx *p = arg;
	p->rc = zc_tx_frontier_peek(t, p->host, 0, &p->seq, &p->req);
	while (p->rc == ZC_OK && in_batch(p->c, p->host, p->seq)) {
		json_decref(p->req);
		p->rc = zc_tx_frontier_peek(t, p->host, p->seq, &p->seq, &p->req);
	}
	return ZC_OK;
}


/* what a host is doing at time t */
static int activity(const host_state *h, double t)
{
	if (h->busy)
		return ZC_HOST_FETCHING;
	if (h->blocked)
		return ZC_HOST_BLOCKED;
	if (h->backing_off)
		return ZC_HOST_BACKING_OFF;
	if (h->empty)
		return ZC_HOST_DONE;
	return h->next_at > t ? ZC_HOST_WAITING : ZC_HOST_READY;
}

#define QUEUE_CAP 10000	/* a host's queue is counted up to this on the display */

typedef struct count_ctx {
	const crawl *c;
	const size_t *shown;	/* indexes of the hosts on the display */
	size_t n;
	uint64_t *queued;	/* per host shown, capped */
	uint64_t total;
} count_ctx;

static int count_txn(zc_txn *t, void *arg)
{
	count_ctx *q = arg;
	int rc = zc_tx_frontier_total(t, &q->total);
	for (size_t i = 0; i < q->n; i++)
		q->queued[i] = zc_tx_frontier_count(t, q->c->hosts[q->shown[i]].host, QUEUE_CAP);
	return rc;
}

/* The progress, to the caller's display: the counts, and the hosts at work up to as many as it
   shows, each with its queue (counted up to QUEUE_CAP) and what it is doing. */
static void progress(crawl *c, int force)
{
	if (!c->o->progress)
		return;
	double t = now();
	if (!force && t - c->last_progress < 0.5)
		return;
	c->last_progress = t;
	zc_crawl_progress p = {.requests = c->sum->requests, .fresh = c->sum->added + c->sum->changed,
			       .unchanged = c->sum->unchanged, .final = force};
	size_t *shown = zc_calloc(c->n_hosts + 1, sizeof *shown), nshown = 0, busy = 0;
	for (size_t i = 0; i < c->n_hosts; i++) {
		int a = activity(&c->hosts[i], t);
		p.hosts[a]++;
		busy += a != ZC_HOST_DONE;
		if (a != ZC_HOST_DONE && !force && nshown < c->o->progress_hosts)
			shown[nshown++] = i;
	}
	uint64_t *queued = zc_calloc(nshown + 1, sizeof *queued);
	count_ctx q = {c, shown, nshown, queued, 0};
	zc_host_progress *hp = zc_calloc(nshown + 1, sizeof *hp);
	if (zc_index_read(c->idx, count_txn, &q) != ZC_OK)
		q.total = 0;	/* a display: nothing counted this time */
	for (size_t k = 0; k < nshown; k++) {
		const host_state *h = &c->hosts[shown[k]];
		hp[k] = (zc_host_progress){h->host, h->done, queued[k], queued[k] >= QUEUE_CAP, activity(h, t), h->next_at - t};
	}
	p.queued = q.total;
	p.shown = hp;
	p.n_shown = nshown;
	p.hidden = busy - nshown;
	c->o->progress(&p, c->o->progress_arg);
	free(hp);
	free(queued);
	free(shown);
}

static void note_cut(const char *file, long long cut, void *arg)
{
	note(arg, "%s ended in part of a record (%lld bytes), left by a crawl that was "
	     "killed while writing it; cut (the records before it are kept)", file, cut);
}

int zc_crawl_run(zc_index *idx, const zc_seeds *seeds, const zc_crawl_opts *o, zc_article_fn article,
		 void *arg, zc_crawl_summary *sum)
{
	crawl cs = {0}, *c = &cs;
	int rc = ZC_OK;
	memset(sum, 0, sizeof *sum);
	c->idx = idx;
	c->seeds = seeds;
	c->o = o;
	c->trace = getenv("ZHENGCE_TRACE") != NULL;
	c->article = article;
	c->arg = arg;
	c->sum = sum;
	for (size_t i = 0; i < o->n_connect_to; i++)
		c->connect_to = curl_slist_append(c->connect_to, o->connect_to[i]);

	/* hosts: every host in the scope of a selected site */
	sum->sites = zc_calloc(seeds->n + 1, sizeof *sum->sites);
	size_t cap = 0;
	for (size_t i = 0; i < seeds->n; i++)
		cap += seeds->sites[i].n_hosts;
	c->hosts = zc_calloc(cap + 1, sizeof *c->hosts);
	for (size_t i = 0; i < seeds->n; i++) {
		const zc_site *s = &seeds->sites[i];
		if (!zc_crawl_site_selected(o->only, s))
			continue;
		zc_site_report *rep = &sum->sites[sum->n_sites++];
		snprintf(rep->host, sizeof rep->host, "%s", s->host);
		for (size_t k = 0; k < s->n_hosts; k++) {
			if (host_of(c, s->hosts[k]))
				continue;
			host_state *h = &c->hosts[c->n_hosts++];
			h->host = s->hosts[k];
			h->site = s;
			h->rep = rep;
			h->delay = o->delay;
		}
	}
	if ((rc = zc_warc_repair(o->dir, note_cut, c)) != ZC_OK) {
		note(c, "cannot repair the archive in %s/warc: %s", o->dir, zc_strerror(rc));
		goto out;
	}
	if ((rc = zc_warc_open(o->dir, o->warc_max, &c->warc)) != ZC_OK) {
		note(c, "cannot open the archive in %s/warc: %s", o->dir, zc_strerror(rc));
		goto out;
	}
	{
		int resume = 0;
		if ((rc = zc_index_read(idx, unfinished_run, &resume)) != ZC_OK)
			goto out;
		if (resume) {
			sum->resumed = 1;
			rc = zc_index_read(idx, marks_txn, c);
		} else if ((rc = zc_index_write(idx, start_run, c)) == ZC_OK && (rc = zc_index_read(idx, marks_txn, c)) == ZC_OK) {
			rc = seed_frontier(c);
		}
		if (rc != ZC_OK)
			goto out;
	}
	c->multi = curl_multi_init();
	/* one request at a time per host is the scheduler's job (host_state.busy): libcurl's own
	   per-host limit counts the connect-to target, which in mirror mode is one address for
	   every site, and would serialise the whole crawl */
	/* keep one idle connection per host: the default cache (4 x transfers in flight) is
	   far smaller than the number of hosts and would make every request a new TLS handshake */
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->n_hosts + 4);
	c->openssl = tls_is_openssl();
	c->ca_file_only = ca_file_only(o->cacert);
	if (o->cookies)
		c->cookies = cookie_jar(o->cookies);
	interrupted = 0;
	signals = 0;
	int told = 0;
	struct sigaction sa = {0}, old_int, old_term;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (;;) {
		double t = now();
		double wake = t + 1.0;
		int active = 0, pending = 0;
		for (size_t i = 0; i < c->n_hosts && !c->fatal && !interrupted; i++) {
			host_state *h = &c->hosts[i];
			if (h->busy) {
				active++;
				continue;
			}
			if (h->blocked || h->empty)
				continue;	/* a commit that queues work for an empty host clears the mark (flush) */
			if (h->next_at > t) {
				pending++;
				if (h->next_at < wake)
					wake = h->next_at;
				continue;
			}
			peek_ctx pk = {.c = c, .host = h->host};
			int prc = zc_index_read(idx, peek_txn, &pk);
			if (prc != ZC_OK)
				pk.rc = prc;
			if (pk.rc != ZC_OK) {
				h->empty = 1;
				continue;
			}
			h->empty = 0;
			pending++;
			const char *url = zc_jstr(pk.req, "url");
			target tg;
			int usable = url_target(url, &tg, NULL) && !strcmp(tg.host, h->host);
			if (h->robots_state == ROBOTS_NONE && usable) {
				/* robots.txt of the host, scheme and port the host's first request uses */
				char *ru = robots_url(&tg);
				if (!mapped(c, tg.host, tg.port)) {
					report_problem(h, "%s:%d is not mapped by --connect-to; refused (mirror mode never reaches real hosts)", tg.host, tg.port);
					h->blocked = 1;
					h->rep->failed = 1;
					free(ru);
					json_decref(pk.req);
					continue;
				}
				/* a robots.txt kept from a crawl within the day makes the host ready: its first
				   request goes on below, now, not after the loop's wait */
				if (!robots_cached(c, h, ru)) {
					h->robots_state = ROBOTS_FETCHING;
					start(c, h, 0, NULL, ru);
					free(ru);
					json_decref(pk.req);
					active++;
					continue;
				}
				free(ru);
			}
			if (h->robots_state != ROBOTS_READY && usable) {
				json_decref(pk.req);
				continue;
			}
			double nb = json_real_value(json_object_get(pk.req, "not_before"));
			if (nb > wall()) {
				h->next_at = t + (nb - wall());
				if (h->next_at < wake)
					wake = h->next_at;
				json_decref(pk.req);
				continue;
			}
			if (!usable || !mapped(c, tg.host, tg.port) || !zc_robots_allowed(h->robots, tg.path)) {
				if (usable && mapped(c, tg.host, tg.port))
					sum->skipped_robots++;
				else
					sum->skipped_scope++;
				push_ctx p = {.c = c, .reqs = json_array(), .del_host = h->host, .del_seq = pk.seq};
				paginate(c, p.reqs, pk.req, 0, 0);
				commit(c, &p);
				json_decref(p.reqs);
				json_decref(pk.req);
				i--;	/* the host's next request, now: nothing else would wake the loop for it */
				continue;
			}
			start(c, h, pk.seq, pk.req, NULL);
			active++;
		}
		if (c->fatal || interrupted) {
			/* stop starting; let what is in flight finish (and be stored or dropped); a second
			   signal drops it now: its requests stay queued for the next run */
			if (signals >= 2)
				for (size_t i = 0; i < c->n_hosts; i++)
					if (c->hosts[i].cur) {
						c->hosts[i].busy = 0;
						xfer_free(c, c->hosts[i].cur);
					}
			if (interrupted && !told && c->inflight) {
				note(c, "stopping: waiting for %d transfers in flight (interrupt again to stop at once)", c->inflight);
				told = 1;
			}
			if (!c->inflight) {
				flush(c);
				break;
			}
		} else if (!active && !pending) {
			if (c->n_batch) {
				flush(c);	/* its requests may give some host more work */
				continue;
			}
			break;
		}
		int running = 0;
		curl_multi_perform(c->multi, &running);
		CURLMsg *m;
		int left, completed = 0;
		while ((m = curl_multi_info_read(c->multi, &left)))
			if (m->msg == CURLMSG_DONE) {
				done(c, m);
				completed = 1;
			}
		progress(c, 0);
		if (c->n_batch && (!c->inflight || now() - c->batch_since >= BATCH_AGE))
			flush(c);
		if (completed)
			continue;	/* a host may be free: start its next request before waiting */
		double to = wake - now();
		if (to < 0)
			to = 0;
		if (to > 0.25)
			to = 0.25;
		curl_multi_poll(c->multi, NULL, 0, (int)ceil(to * 1000), NULL);	/* never 0 ms short of a wake: no spinning */
	}
	progress(c, 1);
	if (sum->unparseable)
		note(c, "%ld answers held no document and were not stored as documents (the fetch state "
		     "says why), e.g. %s", sum->unparseable, c->unparseable_url);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (c->fatal) {
		note(c, "stopped: %s; the corpus is consistent, free some space and run the crawl again to resume", c->fatal_msg);
		rc = c->fatal;
	} else if (interrupted) {
		sum->signal = interrupted;	/* the caller says what it means for the selection */
		rc = ZC_EINTR;
	} else {
		for (size_t i = 0; i < sum->n_sites; i++) {
			zc_site_report *r = &sum->sites[i];
			results_ctx rr = {r->host, 0};
			r->results = zc_index_read(idx, results_txn, &rr) == ZC_OK ? rr.n : 0;
			if (!r->challenged && !r->failed && r->results == 0 && !r->problem[0])
				snprintf(r->problem, sizeof r->problem,
					 "%s: searches and lists found nothing; the site has probably been redesigned (check its seed)", r->host);
			if (r->problem[0])
				r->failed = 1;
		}
		rc = zc_index_write(idx, finish_run, c);
	}
out:
	if (c->multi)
		curl_multi_cleanup(c->multi);
	if (c->cookies)
		curl_share_cleanup(c->cookies);	/* after the last transfer that used it */
	curl_slist_free_all(c->connect_to);
	zc_warc_close(&c->warc);
	for (size_t i = 0; i < c->n_hosts; i++)
		zc_robots_free(&c->hosts[i].robots);
	free(c->hosts);
	free(c->batch);
	malloc_trim(0);		/* connections and TLS state go back to the system before selection */
	return rc;
}

void zc_crawl_summary_free(zc_crawl_summary *s)
{
	free(s->sites);
	s->sites = NULL;
	s->n_sites = 0;
}
