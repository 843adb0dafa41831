/* run.c - a run of the crawl: resumed or started afresh, its sites' marks (full or incremental), its end, its seeds. */
#include "crawl_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* whether the last run stopped before its end (killed, interrupted, a full disk) with
   requests still queued: then this run resumes it */
int cr_unfinished_run(zc_txn *t, void *arg)
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

int cr_start_run(zc_txn *t, void *arg)
{
	crawl *c = arg;
	char when[32];
	cr_iso_now(when, sizeof when);
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
int cr_finish_run(zc_txn *t, void *arg)
{
	crawl *c = arg;
	char when[32], started[32];
	cr_iso_now(when, sizeof when);
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
int cr_marks_txn(zc_txn *t, void *arg)
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

int cr_results_txn(zc_txn *t, void *arg)
{
	results_ctx *r = arg;
	return zc_tx_results_get(t, r->site, &r->n);
}

int cr_seed_frontier(crawl *c)
{
	push_ctx p = {.c = c};
	for (size_t i = 0; i < c->seeds->n; i++) {
		const zc_site *s = &c->seeds->sites[i];
		if (!zc_crawl_site_selected(c->o->only, s))
			continue;
		const zc_site_report *r = report_of(c, s->host);
		int inc = r && r->incremental;
		for (size_t k = 0; k < s->n_search; k++)
			for (size_t w = 0; w < c->o->n_keywords; w++)
				cr_add_endpoint_page(c, &p.reqs, s, 1, (long)k, c->o->keywords[w], 1, 1, 1, inc);
		for (size_t k = 0; k < s->n_lists; k++)
			cr_add_endpoint_page(c, &p.reqs, s, 0, (long)k, NULL, 1, 1, 1, inc);
	}
	int rc = cr_commit(c, &p);
	return rc == ZC_OK ? cr_flush(c) : rc;
}

