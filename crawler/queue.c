/* queue.c - pushing work: requests queued and results committed in groups, one transaction each; the requests of endpoints and pages; which sites a run selects. */
#include "crawl_internal.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int push_txn(zc_txn *t, void *arg)
{
	push_ctx *p = arg;
	int rc = ZC_OK;
	p->added = 0;
	for (size_t i = 0; i < p->reqs.n && rc == ZC_OK; i++) {
		int added;
		rc = zc_tx_frontier_push(t, p->reqs.v[i].host, &p->reqs.v[i].req, &added);
		p->added += added;
	}
	long found;
	if (rc == ZC_OK && p->results_site && (rc = zc_tx_results_get(t, p->results_site, &found)) == ZC_OK)
		rc = zc_tx_results_put(t, p->results_site, found + p->results_n);
	if (rc == ZC_OK && p->gap_site)
		rc = zc_tx_site_gap_add(t, p->gap_site);
	if (rc == ZC_OK && (p->page || p->has_fetch))
		rc = zc_article_store(t, p->page_url, p->page, p->has_fetch ? &p->fetch : NULL, &p->page_id, &p->is_new);
	if (rc == ZC_OK && p->del_host) {
		if (p->has_replace)
			rc = zc_tx_frontier_replace(t, p->del_host, p->del_seq, &p->replace);
		else
			rc = zc_tx_frontier_del(t, p->del_host, p->del_seq);
	}
	return rc;
}

/* req (which holds its own strings) to the list, for host's queue: the list takes it */
void cr_queue_req(req_list *reqs, const char *host, zc_request *req)
{
	if (reqs->n == reqs->cap) {
		reqs->cap = reqs->cap ? 2 * reqs->cap : 8;
		reqs->v = zc_realloc(reqs->v, reqs->cap * sizeof *reqs->v);
	}
	queued_req *q = &reqs->v[reqs->n++];
	q->host = zc_strdup(host);
	q->req = *req;
	zc_request_init(req);
}

void cr_reqs_free(req_list *reqs)
{
	for (size_t i = 0; i < reqs->n; i++) {
		free(reqs->v[i].host);
		zc_request_clear(&reqs->v[i].req);
	}
	free(reqs->v);
	memset(reqs, 0, sizeof *reqs);
}

/* what a result holds, freed (a batch's after its commit, or one the batch never took) */
static void push_free(push_ctx *p)
{
	cr_reqs_free(&p->reqs);
	zc_article_free(&p->page);
	zc_fetch_clear(&p->fetch);
	zc_request_clear(&p->replace);
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
int cr_flush(crawl *c)
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
		cr_write_failure(c, rc, file, zc_index_errno(c->idx));
		free(file);
	}
	for (size_t i = 0; i < c->n_batch; i++) {
		push_ctx *p = &c->batch[i];
		if (rc == ZC_OK) {
			for (size_t k = 0; k < p->reqs.n; k++) {
				host_state *h = cr_host_of(c, p->reqs.v[k].host);
				if (h)
					h->empty = 0;
			}
			/* a retry replaced its request: a peek made while it waited in the batch found
			   the host empty, and the host would never be asked again */
			if (p->has_replace) {
				host_state *h = cr_host_of(c, p->del_host);
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
		push_free(p);
		free((char *)p->page_url);
	}
	c->n_batch = 0;
	return rc;
}

/* queue a result for the next transaction: the batch takes what p holds (its requests, page,
   fetch state and retry), and copies page_url */
int cr_commit(crawl *c, push_ctx *p)
{
	if (c->fatal) {
		push_free(p);
		return c->fatal;
	}
	if (!c->batch)
		c->batch = zc_calloc(BATCH_MAX, sizeof *c->batch);
	if (!c->n_batch) {
		c->batch_since = cr_now();
		c->batch_reqs = 0;
	}
	c->batch_reqs += p->reqs.n;
	push_ctx *q = &c->batch[c->n_batch++];
	*q = *p;
	q->page_url = p->page_url ? zc_strdup(p->page_url) : NULL;
	return c->n_batch == BATCH_MAX || c->batch_reqs >= BATCH_REQS ? cr_flush(c) : ZC_OK;
}

/* is this request's result waiting in the batch? (then the frontier still holds it) */
int cr_in_batch(const crawl *c, const char *host, uint64_t seq)
{
	for (size_t i = 0; i < c->n_batch; i++)
		if (c->batch[i].del_host && c->batch[i].del_seq == seq && !strcmp(c->batch[i].del_host, host))
			return 1;
	return 0;
}

/* a new request into *r, its strings borrowed (zc_request_own() keeps them) */
void cr_request(zc_request *r, const char *kind, const zc_site *site, const char *url, const char *method,
		const char *body, long ep, const char *kw, long page)
{
	zc_request_init(r);
	r->kind = kind;
	r->site = site->host;
	r->url = url;
	r->method = method;
	r->body = body ? body : "";
	r->ep = ep;
	r->kw = kw ? kw : "";
	r->page = page;
}

void cr_add_endpoint_page(crawl *c, req_list *reqs, const zc_site *site, int is_search, long k,
			      const char *kw, long page, long pages, long last, int inc)
{
	const zc_endpoint *ep = is_search ? &site->search[k] : &site->lists[k];
	const char *tpl = (page > 1 && ep->next) ? ep->next : ep->url;
	char *url = zc_template_expand(tpl, kw, page, pages, ep->page_size);
	char *body = ep->body ? zc_template_expand(ep->body, kw, page, pages, ep->page_size) : NULL;
	target tg;
	if (cr_url_target(url, &tg, NULL)) {
		zc_request r;
		cr_request(&r, is_search ? "search" : "list", site, url, ep->method, body, k, kw, page);
		if (page > 1) {
			r.pages = pages;
			r.last = last;
		}
		r.inc = inc;
		zc_request_own(&r);
		cr_queue_req(reqs, tg.host, &r);
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
 * An incremental cr_request ("inc": its site had a complete run before this one) leaves the
 * results known since (zc_tx_fetch_known) to the full passes; where its endpoint gives
 * results newest first (order "date") it also pages one at a time: page p queues page p + 1
 * unless it was settled (all its results known and older than that run, see settled()), where
 * the re-crawl stops.  A page given up on is not settled: the next one is asked.
 */
#define PAGE_AHEAD 8

void cr_paginate(crawl *c, req_list *reqs, const zc_request *req, long announced, int settled)
{
	const zc_site *s = zc_seeds_find(c->seeds, req->site);
	int is_search = !strcmp(req->kind, "search");
	long k = req->ep, page = req->page;
	if (!s || (!is_search && strcmp(req->kind, "list")) || k < 0 || k >= (long)(is_search ? s->n_search : s->n_lists))
		return;
	const zc_endpoint *ep = is_search ? &s->search[k] : &s->lists[k];
	int inc = req->inc, stops = inc && ep->date_order;
	long ahead = stops ? 1 : PAGE_AHEAD, pages, last, from, to;
	if (stops && settled)
		return;
	if (page == 1) {
		pages = announced;
		last = pages < ep->max_pages ? pages : ep->max_pages;
		from = 2;
		to = 1 + ahead;
	} else {
		pages = req->pages;
		last = req->last;
		from = to = page + ahead;
	}
	for (long pg = from; pg <= to && pg <= last; pg++)
		cr_add_endpoint_page(c, reqs, s, is_search, k, req->kw, pg, pages, last, inc);
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

