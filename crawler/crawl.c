/*
 * crawl.c - the event loop: per-host queues in the index, one libcurl multi handle, robots.txt
 * first on every host, politeness and backoff, conditional GET, the archive, and resume.
 *
 * Crash safety: a request leaves the frontier in the same LMDB transaction that stores what it
 * produced (the page, the links it found, the next pages), and the WARC record is flushed
 * before that transaction.  A crawl killed at any instant therefore resumes with exactly the
 * requests that had not been done; nothing stored is fetched again in that run.
 */
#include "crawl_internal.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/statvfs.h>


/* a note to the caller (one line, without its end) */
void cr_note(const crawl *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	zc_vnote(c->o->note, c->o->note_arg, fmt, ap);
	va_end(ap);
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
void cr_write_failure(crawl *c, int rc, const char *file, int errnum)
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

double cr_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double cr_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cr_iso_now(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct peek_ctx {
	const crawl *c;
	const char *host;
	uint64_t seq;
	zc_request req;
	int rc;
} peek_ctx;

static int peek_txn(zc_txn *t, void *arg)
{
	peek_ctx *p = arg;
	p->rc = zc_tx_frontier_peek(t, p->host, 0, &p->seq, &p->req);
	while (p->rc == ZC_OK && cr_in_batch(p->c, p->host, p->seq)) {
		zc_request_clear(&p->req);
		p->rc = zc_tx_frontier_peek(t, p->host, p->seq, &p->seq, &p->req);
	}
	return ZC_OK;
}

/* the host's next request not in the batch being fetched, into pk->req (the caller clears it):
   ZC_OK, ZC_ENOTFOUND when there is none, or why the frontier could not be read */
static int peek_next(crawl *c, const char *host, peek_ctx *pk)
{
	*pk = (peek_ctx){.c = c, .host = host};
	zc_request_init(&pk->req);
	int prc = zc_index_read(c->idx, peek_txn, pk);
	return prc != ZC_OK ? prc : pk->rc;
}

/* whether a host waiting out its delay has nothing queued (then marked empty); looked once per
   wait, as a commit that queues work for it clears the mark */
static int queue_empty(crawl *c, host_state *h)
{
	peek_ctx pk;
	int rc = peek_next(c, h->host, &pk);
	zc_request_clear(&pk.req);
	h->looked = 1;
	if (rc == ZC_ENOTFOUND)
		h->empty = 1;
	return h->empty;
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
	double t = cr_now();
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
	cr_note(arg, "%s ended in part of a record (%lld bytes), left by a crawl that was "
	     "killed while writing it; cut (the records before it are kept)", file, cut);
}

/* the hosts: every host in the scope of a selected site, each site with its report */
static void setup_hosts(crawl *c)
{
	const zc_seeds *seeds = c->seeds;
	zc_crawl_summary *sum = c->sum;
	sum->sites = zc_calloc(seeds->n + 1, sizeof *sum->sites);
	size_t cap = 0;
	for (size_t i = 0; i < seeds->n; i++)
		cap += seeds->sites[i].n_hosts;
	c->hosts = zc_calloc(cap + 1, sizeof *c->hosts);
	for (size_t i = 0; i < seeds->n; i++) {
		const zc_site *s = &seeds->sites[i];
		if (!zc_crawl_site_selected(c->o->only, s))
			continue;
		zc_site_report *rep = &sum->sites[sum->n_sites++];
		snprintf(rep->host, sizeof rep->host, "%s", s->host);
		for (size_t k = 0; k < s->n_hosts; k++) {
			if (cr_host_of(c, s->hosts[k]))
				continue;
			host_state *h = &c->hosts[c->n_hosts++];
			h->host = s->hosts[k];
			h->site = s;
			h->rep = rep;
			h->delay = c->o->delay;
		}
	}
}

/* the archive repaired and opened; the run resumed, or started from the seeds */
static int begin(crawl *c)
{
	const zc_crawl_opts *o = c->o;
	int rc, resume = 0;
	if ((rc = zc_warc_repair(o->dir, note_cut, c)) != ZC_OK) {
		cr_note(c, "cannot repair the archive in %s/warc: %s", o->dir, zc_strerror(rc));
		return rc;
	}
	if ((rc = zc_warc_open(o->dir, o->warc_max, &c->warc)) != ZC_OK) {
		cr_note(c, "cannot open the archive in %s/warc: %s", o->dir, zc_strerror(rc));
		return rc;
	}
	if ((rc = zc_index_read(c->idx, cr_unfinished_run, &resume)) != ZC_OK)
		return rc;
	if (resume) {
		c->sum->resumed = 1;
		return zc_index_read(c->idx, cr_marks_txn, c);
	}
	if ((rc = zc_index_write(c->idx, cr_start_run, c)) == ZC_OK && (rc = zc_index_read(c->idx, cr_marks_txn, c)) == ZC_OK)
		rc = cr_seed_frontier(c);
	return rc;
}

static void setup_multi(crawl *c)
{
	c->multi = curl_multi_init();
	/* one request at a time per host is the scheduler's job (host_state.busy): libcurl's own
	   per-host limit counts the connect-to target, which in mirror mode is one address for
	   every site, and would serialise the whole crawl */
	/* keep one idle connection per host: the default cache (4 x transfers in flight) is
	   far smaller than the number of hosts and would make every request a new TLS handshake */
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->n_hosts + 4);
	c->openssl = cr_tls_is_openssl();
	c->ca_file_only = cr_ca_file_only(c->o->cacert);
	if (c->o->cookies)
		c->cookies = cr_cookie_jar(c->o->cookies);
}

/* What a host idle at time t does next: its robots.txt first, then its next request when
   politeness and the request's not_before allow; *wake moves to when it is due.  Returns 1 when
   its next request is to be looked at again at once (this one was skipped and dropped). */
static int visit(crawl *c, host_state *h, double t, double *wake, int *active, int *pending)
{
	if (h->blocked || h->empty)
		return 0;	/* a commit that queues work for an empty host clears the mark (flush) */
	if (h->next_at > t && !h->looked && queue_empty(c, h))
		return 0;	/* done now, not after its delay: the crawl's last wait is not spent idle */
	if (h->next_at > t) {
		(*pending)++;
		if (h->next_at < *wake)
			*wake = h->next_at;
		return 0;
	}
	peek_ctx pk;
	if (peek_next(c, h->host, &pk) != ZC_OK) {
		zc_request_clear(&pk.req);
		h->empty = 1;
		return 0;
	}
	h->empty = 0;
	(*pending)++;
	target tg;
	int usable = cr_url_target(pk.req.url, &tg, NULL) && !strcmp(tg.host, h->host);
	if (h->robots_state == ROBOTS_NONE && usable) {
		/* robots.txt of the host, scheme and port the host's first request uses */
		char *ru = cr_robots_url(&tg);
		if (!cr_mapped(c, tg.host, tg.port)) {
			cr_report_problem(h, "%s:%d is not mapped by --connect-to; refused (mirror mode never reaches real hosts)", tg.host, tg.port);
			h->blocked = 1;
			h->rep->failed = 1;
			free(ru);
			zc_request_clear(&pk.req);
			return 0;
		}
		/* a robots.txt kept from a crawl within the day makes the host ready: its first
		   request goes on below, now, not after the loop's wait */
		if (!cr_robots_cached(c, h, ru)) {
			h->robots_state = ROBOTS_FETCHING;
			cr_start(c, h, 0, NULL, ru);
			free(ru);
			zc_request_clear(&pk.req);
			(*active)++;
			return 0;
		}
		free(ru);
	}
	if (h->robots_state != ROBOTS_READY && usable) {
		zc_request_clear(&pk.req);
		return 0;
	}
	double nb = pk.req.not_before;
	if (nb > cr_wall()) {
		h->next_at = t + (nb - cr_wall());
		if (h->next_at < *wake)
			*wake = h->next_at;
		zc_request_clear(&pk.req);
		return 0;
	}
	if (!usable || !cr_mapped(c, tg.host, tg.port) || !zc_robots_allowed(h->robots, tg.path)) {
		if (usable && cr_mapped(c, tg.host, tg.port))
			c->sum->skipped_robots++;
		else
			c->sum->skipped_scope++;
		push_ctx p = {.c = c, .del_host = h->host, .del_seq = pk.seq};
		cr_paginate(c, &p.reqs, &pk.req, 0, 0);
		cr_commit(c, &p);
		zc_request_clear(&pk.req);
		return 1;	/* the host's next request, now: nothing else would wake the loop for it */
	}
	cr_start(c, h, pk.seq, &pk.req, NULL);	/* the transfer takes the request */
	(*active)++;
	return 0;
}

/* stopping (a failed write, a signal): nothing more starts, what is in flight ends (a second
   signal drops it, its requests staying queued for the next run); 1 once nothing is left */
static int stopping(crawl *c, int *told)
{
	if (signals >= 2)
		for (size_t i = 0; i < c->n_hosts; i++)
			if (c->hosts[i].cur) {
				c->hosts[i].busy = 0;
				cr_xfer_free(c, c->hosts[i].cur);
			}
	if (interrupted && !*told && c->inflight) {
		cr_note(c, "stopping: waiting for %d transfers in flight (interrupt again to stop at once)", c->inflight);
		*told = 1;
	}
	if (c->inflight)
		return 0;
	cr_flush(c);
	return 1;
}

/* libcurl's work until the next host is due (at wake), or at most a quarter of a second */
static void transfers(crawl *c, double wake)
{
	int running = 0;
	curl_multi_perform(c->multi, &running);
	CURLMsg *m;
	int left, completed = 0;
	while ((m = curl_multi_info_read(c->multi, &left)))
		if (m->msg == CURLMSG_DONE) {
			cr_done(c, m);
			completed = 1;
		}
	progress(c, 0);
	if (c->n_batch && (!c->inflight || cr_now() - c->batch_since >= BATCH_AGE))
		cr_flush(c);
	if (completed)
		return;	/* a host may be free: start its next request before waiting */
	double to = wake - cr_now();
	if (to < 0)
		to = 0;
	if (to > 0.25)
		to = 0.25;
	curl_multi_poll(c->multi, NULL, 0, (int)ceil(to * 1000), NULL);	/* never 0 ms short of a wake: no spinning */
}

/* the loop: every idle host visited, transfers driven, until no host has work or the crawl
   stops */
static void loop(crawl *c)
{
	int told = 0;
	for (;;) {
		double t = cr_now(), wake = t + 1.0;
		int active = 0, pending = 0;
		for (size_t i = 0; i < c->n_hosts && !c->fatal && !interrupted; i++) {
			host_state *h = &c->hosts[i];
			if (h->busy)
				active++;
			else if (visit(c, h, t, &wake, &active, &pending))
				i--;
		}
		if (c->fatal || interrupted) {
			if (stopping(c, &told))
				break;
		} else if (!active && !pending) {
			if (!c->n_batch)
				break;
			cr_flush(c);	/* its requests may give some host more work */
			continue;
		}
		transfers(c, wake);
	}
}

/* the run's end: why it stopped, or each site's results counted and the run marked done */
static int end(crawl *c)
{
	zc_crawl_summary *sum = c->sum;
	if (sum->unparseable)
		cr_note(c, "%ld answers held no document and were not stored as documents (the fetch state "
		     "says why), e.g. %s", sum->unparseable, c->unparseable_url);
	if (c->fatal) {
		cr_note(c, "stopped: %s; the corpus is consistent, free some space and run the crawl again to resume", c->fatal_msg);
		return c->fatal;
	}
	if (interrupted) {
		sum->signal = interrupted;	/* the caller says what it means for the selection */
		return ZC_EINTR;
	}
	for (size_t i = 0; i < sum->n_sites; i++) {
		zc_site_report *r = &sum->sites[i];
		results_ctx rr = {r->host, 0};
		r->results = zc_index_read(c->idx, cr_results_txn, &rr) == ZC_OK ? rr.n : 0;
		if (!r->challenged && !r->failed && r->results == 0 && !r->problem[0])
			snprintf(r->problem, sizeof r->problem,
				 "%s: searches and lists found nothing; the site has probably been redesigned (check its seed)", r->host);
		if (r->problem[0])
			r->failed = 1;
	}
	return zc_index_write(c->idx, cr_finish_run, c);
}

int zc_crawl_run(zc_index *idx, const zc_seeds *seeds, const zc_crawl_opts *o, zc_article_fn article,
		 void *arg, zc_crawl_summary *sum)
{
	crawl cs = {0}, *c = &cs;
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
	setup_hosts(c);
	int rc = begin(c);
	if (rc == ZC_OK) {
		setup_multi(c);
		interrupted = 0;
		signals = 0;
		struct sigaction sa = {0}, old_int, old_term;
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		loop(c);
		progress(c, 1);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		rc = end(c);
	}
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

