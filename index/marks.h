/*
 * marks.h - what a re-crawl needs to know of the crawls before it (included by index.h): per
 * site, when its last complete run and its last complete full pass started, how many runs
 * since, and what the run in progress is doing; the corpus's full-pass policy; the run's state
 * (a URL's fetch state is in fetch.h).  The records' format is private to index/marks.c.
 */
#ifndef ZC_MARKS_H
#define ZC_MARKS_H

#include <jansson.h>

typedef struct zc_site_mark {
	char complete[32];	/* when the site's last complete run started (ISO 8601, UTC); "" none */
	char full[32];		/* when its last complete full pass started; "" none */
	long since_full;	/* complete runs of the site since that full pass */
	int run_full;		/* the run in progress walks every page of the site */
	long run_gaps;		/* requests of the site the run in progress gave up on */
} zc_site_mark;

/* The mark of a site (host); all empty and zero when it has none.  ZC_OK either way. */
int zc_tx_site_mark_get(zc_txn *t, const char *host, zc_site_mark *m);
int zc_tx_site_mark_put(zc_txn *t, const char *host, const zc_site_mark *m);
/* Calls fn with every site that has a mark, in host order (what the report's methods list:
   the sites crawled and when); fn returns non-zero to stop, and that is then the result. */
typedef int (*zc_site_mark_fn)(const char *host, const zc_site_mark *m, void *arg);
int zc_tx_site_marks_each(zc_txn *t, zc_site_mark_fn fn, void *arg);
/* Counts a request of the site given up on by the run in progress (run_gaps + 1). */
int zc_tx_site_gap_add(zc_txn *t, const char *host);

/* When a re-crawl walks everything: after runs complete incremental runs, or days days after
   the last full pass (docs/DESIGN.md).  The corpus keeps what a crawl last set. */
typedef struct zc_full_policy {
	long runs;
	long days;
} zc_full_policy;
#define ZC_FULL_RUNS 10
#define ZC_FULL_DAYS 30
/* The corpus's policy, ZC_FULL_RUNS and ZC_FULL_DAYS where it has none. */
int zc_tx_full_policy_get(zc_txn *t, zc_full_policy *p);
int zc_tx_full_policy_put(zc_txn *t, const zc_full_policy *p);

/* When the run in progress started (ISO 8601, UTC, into out[n]); "" when none is recorded. */
int zc_tx_run_started_get(zc_txn *t, char *out, size_t n);
int zc_tx_run_started_put(zc_txn *t, const char *iso);

/* Links found per site (host) in the run in progress ("results"): kept so that a resumed run
   still knows; 0 when none is recorded. */
int zc_tx_results_get(zc_txn *t, const char *host, long *n);
int zc_tx_results_put(zc_txn *t, const char *host, long n);

/* The run's state: zc_tx_run_begin() marks a run in progress, zc_tx_run_end() marks it done and
   when (ISO 8601, UTC: the corpus's last crawl).  A run is unfinished when it was not marked
   done (or never marked) and requests are still queued: the next run resumes it. */
int zc_tx_run_begin(zc_txn *t);
int zc_tx_run_end(zc_txn *t, const char *when);
int zc_tx_run_unfinished(zc_txn *t, int *unfinished);
/* When the last crawl ended (free() it); ZC_ENOTFOUND before the first. */
int zc_tx_last_crawl_get(zc_txn *t, char **when);

/*
 * Sites the last crawl could not search to their end (a challenge, a failure): each one's
 * problem and when its run started, kept until a run completes the site; and when an import
 * last brought documents of the site (zhengce import).  A problem older than that import is
 * covered by it.
 */
int zc_tx_site_problem_put(zc_txn *t, const char *host, const char *when, const char *problem);
int zc_tx_site_problem_clear(zc_txn *t, const char *host);
int zc_tx_site_imported_put(zc_txn *t, const char *host, const char *when);
/* fn(host, when, problem, imported ("" for none), arg) for every site with a problem, by host;
   fn returns non-zero to stop, and that is then the result. */
typedef int (*zc_site_problem_fn)(const char *host, const char *when, const char *problem, const char *imported,
				  void *arg);
int zc_tx_site_problems_each(zc_txn *t, zc_site_problem_fn fn, void *arg);

#endif
