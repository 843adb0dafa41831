/* answer.c - what an answer does: search and list answers queue links and pages, articles are parsed, archived and stored, robots.txt is applied, failures retried or given up. */
#include "crawl_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void cr_report_problem(host_state *h, const char *fmt, ...)
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
	cr_report_problem(h, "%s: %ld JavaScript challenge, pass --cookies FILE", h->host, status);
}

/* schedule a retry or give up */
static void retry_or_fail(crawl *c, xfer *x, const char *why, double retry_after)
{
	host_state *h = x->h;
	const zc_request *req = &x->req;
	int tries = (int)req->tries + 1;
	push_ctx p = {.c = c, .del_host = h->host, .del_seq = x->seq};
	if (tries >= c->o->tries) {
		c->sum->failed++;
		h->rep->errors++;
		if (c->o->verbose)
			cr_note(c, "giving up on %s after %d tries: %s", x->url, tries, why);
		cr_report_problem(h, "%s: %s after %d tries", x->url, why, tries);
		p.gap_site = h->site->host;
		cr_paginate(c, &p.reqs, req, 0, 0);
	} else {
		double wait = c->o->backoff * pow(2.0, tries - 1);
		if (retry_after > wait)
			wait = retry_after;
		if (wait > 300)
			wait = 300;
		zc_request_share(&p.replace, req);
		p.replace.tries = tries;
		p.replace.not_before = cr_wall() + wait;
		p.replace.last_error = why;
		zc_request_own(&p.replace);
		p.has_replace = 1;
		h->next_at = cr_now() + wait;
		h->backing_off = 1;
	}
	cr_commit(c, &p);
}

/* known: NULL, or which links had a final answer before (an incremental answer leaves them) */
static void enqueue_links(crawl *c, req_list *reqs, const zc_links *l, const char *known)
{
	for (size_t i = 0; i < l->n; i++) {
		if (known && known[i])
			continue;
		target tg;
		const zc_site *s = cr_url_target(l->urls[i], &tg, NULL) ? zc_seeds_scope(c->seeds, tg.host) : NULL;
		if (!s) {
			c->sum->skipped_scope++;
			if (c->o->verbose)
				cr_note(c, "%s: out of scope (%s); skipped", l->urls[i], tg.why ? tg.why : "not a seed's host");
			continue;
		}
		zc_request r;
		cr_request(&r, "article", s, l->urls[i], "GET", NULL, 0, NULL, 0);
		zc_request_own(&r);
		cr_queue_req(reqs, tg.host, &r);
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
	const zc_request *req = &x->req;
	const zc_site *s = zc_seeds_find(c->seeds, req->site);
	long ep = req->ep, page = req->page;
	int is_search = !strcmp(req->kind, "search");
	if (!s || ep < 0 || ep >= (long)(is_search ? s->n_search : s->n_lists)) {
		push_ctx p = {.c = c, .del_host = h->host, .del_seq = x->seq};
		cr_commit(c, &p);
		return;
	}
	const zc_endpoint *endp = is_search ? &s->search[ep] : &s->lists[ep];
	zc_links l;
	if (zc_answer_parse(endp, x->url, x->body.data ? x->body.data : "", x->body.len, ctype, &l) != ZC_OK) {
		if (is_challenge_page(x->body.data, x->body.len, x->url, ctype)) {
			challenged(c, h, status);
			return;
		}
		cr_report_problem(h, "%s answered something that is not a %s answer: the site may have been redesigned; check its seed",
			       x->url, endp->answer);
		h->rep->errors++;
		c->sum->failed++;
		push_ctx p = {.c = c, .del_host = h->host, .del_seq = x->seq, .gap_site = s->host};
		cr_paginate(c, &p.reqs, req, 0, 0);
		cr_commit(c, &p);
		return;
	}
	push_ctx p = {.c = c, .del_host = h->host, .del_seq = x->seq, .results_site = s->host, .results_n = (long)l.n};
	known_ctx kc = {&l, NULL};
	if (req->inc) {
		kc.known = zc_calloc(l.n + 1, 1);
		if (zc_index_read(c->idx, known_txn, &kc) != ZC_OK)
			memset(kc.known, 0, l.n + 1);	/* none known: the pages go on */
	}
	enqueue_links(c, &p.reqs, &l, kc.known);
	if (page == 1 && l.pages > endp->max_pages)
		cr_report_problem(h, "%s announces %ld pages; stopped at max_pages %d", x->url, l.pages, endp->max_pages);
	cr_paginate(c, &p.reqs, req, l.pages, kc.known && settled(&l, kc.known, h->since_day));
	free(kc.known);
	cr_commit(c, &p);
	zc_links_free(&l);
}

/* old: the URL's fetch state before this answer, or NULL */
static void handle_article(crawl *c, xfer *x, long status, const char *ctype, const zc_warc_ref *ref,
			   const char *digest, const zc_fetch *old)
{
	host_state *h = x->h;
	const zc_site *s = zc_seeds_scope(c->seeds, h->host);
	char when[32];
	cr_iso_now(when, sizeof when);
	push_ctx p = {.c = c, .del_host = h->host, .del_seq = x->seq, .page_url = x->url};
	char *etag = cr_header_value(x->head.data ? x->head.data : "", "ETag");
	char *lm = cr_header_value(x->head.data ? x->head.data : "", "Last-Modified");
	if (status == 304) {
		c->sum->unchanged++;
		if (old) {
			zc_fetch_share(&p.fetch, old);
		} else {
			zc_fetch_init(&p.fetch, ZC_FETCH_STATUS);
		}
		p.fetch.status = 304;
		p.fetch.checked_at = when;
		zc_fetch_own(&p.fetch);
		p.has_fetch = 1;
	} else {
		/* a crawl's own file, under CORPUS/warc by its name: a gzip member a record, no skip */
		zc_capture cap = {.url = x->url, .ctype = ctype, .body = x->body.data ? x->body.data : "", .len = x->body.len,
				  .status = status, .digest = digest, .when = when, .etag = etag, .last_modified = lm,
				  .tries = x->req.tries + 1, .warc = {ref->file, ref->offset, 0, ref->record_id, ""}};
		const char *why = NULL;
		int arc = zc_article_take(c->article, c->arg, s, h->host, &cap, old, &p.page, &p.fetch, &why);
		p.has_fetch = arc != ZC_ECHALLENGE;
		if (arc == ZC_ECHALLENGE) {
			challenged(c, h, status);
			zc_article_free(&p.page);
			free(etag);
			free(lm);
			return;	/* the request stays queued while this run lasts */
		}
		if (arc != ZC_OK) {
			c->sum->unparseable++;
			if (!c->unparseable_url[0])
				snprintf(c->unparseable_url, sizeof c->unparseable_url, "%s: %s", x->url, why);
			if (c->o->verbose)
				cr_note(c, "%s: %s; not stored as a document", x->url, why);
			goto done;
		}
		if (!p.page)
			c->sum->unchanged++;
		p.count_page = p.page != NULL;
	}
done:
	h->rep->articles++;
	cr_commit(c, &p);
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
				cr_note(c, "%s asks for Crawl-delay %.1f s; capped at %.1f s", h->host, d, c->o->max_crawl_delay);
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
		if (zc_utf8_valid(text, x->body.len)) {
			push_ctx p = {.c = c, .page_url = x->url, .has_fetch = 1};
			zc_fetch_init(&p.fetch, ZC_FETCH_ROBOTS);
			p.fetch.status = status;
			p.fetch.robots = text;
			p.fetch.robots_len = x->body.len;
			p.fetch.at = cr_wall();
			zc_fetch_own(&p.fetch);
			cr_commit(c, &p);
		}
	} else {
		/* unreachable (RFC 9309 2.3.1.4): assume complete disallow for this run */
		apply_robots(c, h, 0, "", 0);
		cr_report_problem(h, "robots.txt of %s unreachable (%s); nothing fetched from it this run", h->host,
			       cc != CURLE_OK ? curl_easy_strerror(cc) : "server error");
		h->rep->failed = 1;
	}
}

/* a robots.txt fetched less than a day ago: applied without a request */
int cr_robots_cached(crawl *c, host_state *h, const char *url)
{
	zc_fetch r;
	int hit = 0;
	if (cr_fetch_state(c, url, &r) && r.kind == ZC_FETCH_ROBOTS && cr_wall() - r.at < ROBOTS_TTL) {
		apply_robots(c, h, r.status, r.robots, r.robots_len);
		hit = 1;
	}
	zc_fetch_clear(&r);
	return hit;
}

/* the exchange archived, whatever came back; ZC_OK, or the failed write's code (the crawl stops) */
static int archive(crawl *c, xfer *x, long status, const char *digest, const zc_fetch *old, zc_warc_ref *ref)
{
	if (status <= 0 || !c->warc)
		return ZC_OK;
	size_t hl;
	char *head = cr_archive_head(x->head.data ? x->head.data : "", x->head.len, &hl);
	zc_buf rq;
	zc_buf_init(&rq, ZC_BUF_UNLIMITED);
	zc_buf_cat(&rq, x->reqhead.data ? x->reqhead.data : "", x->reqhead.len);
	if (x->post)
		zc_buf_cats(&rq, x->post);
	int wrc = zc_warc_exchange(c->warc, x->url, rq.data ? rq.data : "", rq.len, head, hl,
				   x->body.data ? x->body.data : "", x->body.len, digest, (int)status,
				   old ? old->digest : NULL, ref);
	zc_buf_free(&rq);
	free(head);
	if (wrc != ZC_OK) {
		int err = errno;	/* the failed write's, before anything else can change it */
		char *file = zc_asprintf("%s/warc/%s", c->o->dir, zc_warc_name(c->warc));
		cr_write_failure(c, wrc, file, wrc == ZC_EFULL || wrc == ZC_EIO || wrc <= ZC_ERRNO(1) ? err : 0);
		free(file);
	}
	return wrc;
}

/* a redirect: followed within the scope (never from https down to http, at most 5), else the
   request given up and named */
static void redirect(crawl *c, xfer *x)
{
	host_state *h = x->h;
	char *loc = cr_header_value(x->head.data ? x->head.data : "", "Location");
	char *to = loc ? zc_url_resolve(x->url, loc) : NULL;
	long redirects = x->req.redirects;
	push_ctx p = {.c = c, .del_host = h->host, .del_seq = x->seq};
	target from, tg;
	const char *refused = NULL;
	if (!to)
		refused = "no usable Location";
	else if (redirects >= 5)
		refused = "too many redirects (a loop?)";
	else if (!cr_url_target(to, &tg, NULL))
		refused = tg.why;
	else if (!zc_seeds_scope(c->seeds, tg.host))
		refused = "a host outside the seeds";
	else if (cr_url_target(x->url, &from, NULL) && !strcmp(from.scheme, "https") && !strcmp(tg.scheme, "http"))
		refused = "from https down to http";
	if (!refused) {
		zc_request r;
		zc_request_share(&r, &x->req);
		r.url = to;
		r.redirects = redirects + 1;
		zc_request_own(&r);
		cr_queue_req(&p.reqs, tg.host, &r);
	} else {
		c->sum->failed++;
		h->rep->errors++;
		if (c->o->verbose)
			cr_note(c, "%s redirects to %s: %s; not followed", x->url, to ? to : "nothing", refused);
		cr_report_problem(h, "%s redirects to %s: %s; not followed", x->url, to ? to : "nothing", refused);
		p.gap_site = h->site->host;
		cr_paginate(c, &p.reqs, &x->req, 0, 0);
	}
	cr_commit(c, &p);
	free(loc);
	free(to);
}

/* a request given up with nothing to retry: a body over --max-body (gap is the site's), or a
   4xx, status (a gone article is an answer, recorded; a gone search or list is a gap) */
static void given_up(crawl *c, xfer *x, long status, int gap)
{
	host_state *h = x->h;
	push_ctx p = {.c = c, .del_host = h->host, .del_seq = x->seq};
	if (status) {
		p.page_url = x->url;
		zc_fetch_init(&p.fetch, ZC_FETCH_STATUS);
		p.fetch.status = status;
		p.has_fetch = 1;
	}
	if (gap)
		p.gap_site = h->site->host;
	cr_paginate(c, &p.reqs, &x->req, 0, 0);
	cr_commit(c, &p);
}

/* what an answer of a search, a list or an article does, by its outcome */
static void answered(crawl *c, xfer *x, CURLcode cc, long status, const char *ctype, const zc_warc_ref *ref,
		     const char *digest, const zc_fetch *old)
{
	host_state *h = x->h;
	const char *kind = x->req.kind;
	if (x->overflow || cc == CURLE_FILESIZE_EXCEEDED) {
		c->sum->failed++;
		h->rep->errors++;
		cr_report_problem(h, "%s is larger than --max-body (%zu bytes, decompressed); skipped", x->url, c->o->max_body);
		given_up(c, x, 0, 1);
	} else if (cc != CURLE_OK) {
		retry_or_fail(c, x, curl_easy_strerror(cc), 0);
	} else if (is_challenge_status(status)) {
		challenged(c, h, status);
	} else if (status == 429 || status >= 500) {
		char *ra = cr_header_value(x->head.data ? x->head.data : "", "Retry-After");
		double after = ra ? strtod(ra, NULL) : 0;
		free(ra);
		char why[64];
		snprintf(why, sizeof why, "HTTP %ld", status);
		retry_or_fail(c, x, why, after);
	} else if (status >= 300 && status < 400 && status != 304) {
		redirect(c, x);
	} else if (status == 304 || (status >= 200 && status < 300)) {
		if (!strcmp(kind, "article"))
			handle_article(c, x, status, ctype, ref, digest, old);
		else
			handle_answer(c, x, status, ctype);
	} else {	/* 4xx: not there; a search or list that is gone means a redesign */
		c->sum->failed++;
		h->rep->errors++;
		if (strcmp(kind, "article"))
			cr_report_problem(h, "%s answered %ld: the site may have been redesigned; check its seed", x->url, status);
		given_up(c, x, status, strcmp(kind, "article") != 0);
	}
}

void cr_done(crawl *c, CURLMsg *m)
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
	/* the fetch state before this answer: the WARC revisit digest and the article's history */
	const zc_fetch *old = x->has_fetch ? &x->fetch : NULL;
	h->busy = 0;
	h->backing_off = 0;
	h->done++;
	h->looked = 0;
	h->next_at = cr_now() + h->delay;
	if (!x->has_req) {
		handle_robots(c, x, status, cc);
		h->next_at = cr_now() + h->delay;	/* the Crawl-delay counts from robots.txt on */
	} else {
		zc_warc_ref ref = {0};
		char digest[48] = "";
		zc_warc_digest(x->body.data ? x->body.data : "", x->body.len, digest);
		if (archive(c, x, status, digest, old, &ref) == ZC_OK)
			answered(c, x, cc, status, ctype, &ref, digest, old);
	}
	free(ctype);
	cr_xfer_free(c, x);
}
