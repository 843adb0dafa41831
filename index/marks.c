/*
 * marks.c - the re-crawl marks (marks.h): one meta value a site, "mark:HOST", holding
 * "COMPLETE FULL SINCE_FULL RUN_FULL RUN_GAPS" ("-" for an empty time); the policy in
 * "full_policy" ("RUNS DAYS"); the start of the run in progress in "run_started"; a site's
 * problem in "problem:HOST" ("WHEN PROBLEM"), its last import in "imported:HOST" ("WHEN");
 * the run in progress's links found per site in "results:HOST", its state in "run" ("running",
 * "done") and the end of the last one in "last_crawl".
 */
#include "index.h"
#include "internal.h"
#include "../common/zc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the next space-separated word of *s into out[n] ("-" read as ""), *s moved past it */
static void word(const char **s, char *out, size_t n)
{
	const char *p = *s;
	while (*p == ' ')
		p++;
	size_t k = strcspn(p, " ");
	snprintf(out, n, "%.*s", (int)k, p);
	if (!strcmp(out, "-"))
		out[0] = '\0';
	*s = p + k;
}

static long number(const char **s)
{
	char w[24];
	word(s, w, sizeof w);
	long v = strtol(w, NULL, 10);
	return v > 0 ? v : 0;
}

static char *mark_key(const char *host)
{
	return zc_asprintf("mark:%s", host);
}

/* a mark's value (a string) into m */
static void mark_read(const char *s, zc_site_mark *m)
{
	memset(m, 0, sizeof *m);
	word(&s, m->complete, sizeof m->complete);
	word(&s, m->full, sizeof m->full);
	m->since_full = number(&s);
	m->run_full = number(&s) != 0;
	m->run_gaps = number(&s);
}

int zc_tx_site_mark_get(zc_txn *t, const char *host, zc_site_mark *m)
{
	memset(m, 0, sizeof *m);
	char *key = mark_key(host), *v = NULL;
	int rc = zc_tx_meta_get(t, key, &v);
	free(key);
	if (rc == ZC_ENOTFOUND)
		return ZC_OK;
	if (rc != ZC_OK)
		return rc;
	mark_read(v, m);
	free(v);
	return ZC_OK;
}

typedef struct marks_walk {
	zc_site_mark_fn fn;
	void *arg;
	int rc;		/* what fn returned when it stopped the walk */
} marks_walk;

static int mark_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	marks_walk *w = arg;
	char host[256], v[160];
	if (klen - 5 >= sizeof host)
		return 0;
	snprintf(host, sizeof host, "%.*s", (int)(klen - 5), (const char *)key + 5);
	snprintf(v, sizeof v, "%.*s", (int)(vlen < sizeof v ? vlen : sizeof v - 1), (const char *)val);
	zc_site_mark m;
	mark_read(v, &m);
	w->rc = w->fn(host, &m, w->arg);
	return w->rc;
}

int zc_tx_site_marks_each(zc_txn *t, zc_site_mark_fn fn, void *arg)
{
	marks_walk w = {fn, arg, 0};
	int rc = zc_tx_scan(t, ZC_T_META, "mark:", 5, mark_one, &w);
	return rc != ZC_OK ? rc : w.rc;
}

int zc_tx_site_mark_put(zc_txn *t, const char *host, const zc_site_mark *m)
{
	char *key = mark_key(host);
	char *v = zc_asprintf("%s %s %ld %d %ld", m->complete[0] ? m->complete : "-", m->full[0] ? m->full : "-",
			      m->since_full, m->run_full ? 1 : 0, m->run_gaps);
	int rc = zc_tx_meta_put(t, key, v);
	free(v);
	free(key);
	return rc;
}

int zc_tx_site_gap_add(zc_txn *t, const char *host)
{
	zc_site_mark m;
	int rc = zc_tx_site_mark_get(t, host, &m);
	if (rc != ZC_OK)
		return rc;
	m.run_gaps++;
	return zc_tx_site_mark_put(t, host, &m);
}

int zc_tx_full_policy_get(zc_txn *t, zc_full_policy *p)
{
	p->runs = ZC_FULL_RUNS;
	p->days = ZC_FULL_DAYS;
	char *v = NULL;
	int rc = zc_tx_meta_get(t, "full_policy", &v);
	if (rc == ZC_ENOTFOUND)
		return ZC_OK;
	if (rc != ZC_OK)
		return rc;
	const char *s = v;
	long runs = number(&s), days = number(&s);
	if (runs > 0)
		p->runs = runs;
	if (days > 0)
		p->days = days;
	free(v);
	return ZC_OK;
}

int zc_tx_full_policy_put(zc_txn *t, const zc_full_policy *p)
{
	char v[48];
	snprintf(v, sizeof v, "%ld %ld", p->runs, p->days);
	return zc_tx_meta_put(t, "full_policy", v);
}

int zc_tx_run_started_get(zc_txn *t, char *out, size_t n)
{
	char *v = NULL;
	out[0] = '\0';
	int rc = zc_tx_meta_get(t, "run_started", &v);
	if (rc == ZC_ENOTFOUND)
		return ZC_OK;
	if (rc == ZC_OK)
		snprintf(out, n, "%s", v);
	free(v);
	return rc;
}

int zc_tx_run_started_put(zc_txn *t, const char *iso)
{
	return zc_tx_meta_put(t, "run_started", iso);
}

int zc_tx_site_problem_put(zc_txn *t, const char *host, const char *when, const char *problem)
{
	char *key = zc_asprintf("problem:%s", host), *v = zc_asprintf("%s %s", *when ? when : "-", problem);
	int rc = zc_tx_meta_put(t, key, v);
	free(v);
	free(key);
	return rc;
}

int zc_tx_site_problem_clear(zc_txn *t, const char *host)
{
	char *key = zc_asprintf("problem:%s", host);
	int rc = zc_tx_del(t, ZC_T_META, key, strlen(key));
	free(key);
	return rc == ZC_ENOTFOUND ? ZC_OK : rc;
}

int zc_tx_site_imported_put(zc_txn *t, const char *host, const char *when)
{
	char *key = zc_asprintf("imported:%s", host);
	int rc = zc_tx_meta_put(t, key, when);
	free(key);
	return rc;
}

int zc_tx_results_get(zc_txn *t, const char *host, long *n)
{
	char *key = zc_asprintf("results:%s", host), *v = NULL;
	int rc = zc_tx_meta_get(t, key, &v);
	*n = rc == ZC_OK ? strtol(v, NULL, 10) : 0;
	free(v);
	free(key);
	return rc == ZC_ENOTFOUND ? ZC_OK : rc;
}

int zc_tx_results_put(zc_txn *t, const char *host, long n)
{
	char *key = zc_asprintf("results:%s", host), num[24];
	snprintf(num, sizeof num, "%ld", n);
	int rc = zc_tx_meta_put(t, key, num);
	free(key);
	return rc;
}

typedef struct problems_ctx {
	zc_txn *t;
	zc_site_problem_fn fn;
	void *arg;
} problems_ctx;

static int problem_row(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	problems_ctx *c = arg;
	char *host = zc_strndup((const char *)k + 8, kl - 8), *val = zc_strndup(v, vl);
	const char *s = val;
	char when[32];
	word(&s, when, sizeof when);
	while (*s == ' ')
		s++;
	char *key = zc_asprintf("imported:%s", host), *imported = NULL;
	int rc = zc_tx_meta_get(c->t, key, &imported);
	if (rc == ZC_OK || rc == ZC_ENOTFOUND)
		rc = c->fn(host, when, s, imported ? imported : "", c->arg);
	free(imported);
	free(key);
	free(val);
	free(host);
	return rc;
}

int zc_tx_site_problems_each(zc_txn *t, zc_site_problem_fn fn, void *arg)
{
	problems_ctx c = {t, fn, arg};
	return zc_tx_scan(t, ZC_T_META, "problem:", 8, problem_row, &c);
}

int zc_tx_run_begin(zc_txn *t)
{
	return zc_tx_meta_put(t, "run", "running");
}

int zc_tx_run_end(zc_txn *t, const char *when)
{
	int rc = zc_tx_meta_put(t, "run", "done");
	return rc == ZC_OK ? zc_tx_meta_put(t, "last_crawl", when) : rc;
}

int zc_tx_run_unfinished(zc_txn *t, int *unfinished)
{
	uint64_t n = 0;
	char *run = NULL;
	int rc = zc_tx_frontier_total(t, &n);
	int mrc = zc_tx_meta_get(t, "run", &run);
	int running = mrc != ZC_OK || !strcmp(run, "running");
	*unfinished = n > 0 && running;
	free(run);
	if (rc == ZC_OK && mrc != ZC_OK && mrc != ZC_ENOTFOUND)
		rc = mrc;
	return rc;
}

int zc_tx_last_crawl_get(zc_txn *t, char **when)
{
	return zc_tx_meta_get(t, "last_crawl", when);
}

