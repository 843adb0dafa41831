/*
 * cmd_stats.c - stats: documents and entries by province and year, from the decision records
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* counts from the decision records alone (they carry jurisdiction, date and entries) */
static int stats_add(const zc_decision *dec, void *arg)
{
	zc_stats *s = arg;
	zc_stats_page(s);
	if (zc_decision_included(dec))
		zc_stats_add(s, dec->jurisdiction, dec->date, dec->entries);
	else if (*dec->reason)
		zc_stats_excluded(s, dec->reason);
	return 0;
}

/* a site the last crawl could not complete, said on stderr until a crawl completes it or an
   import brings its documents after it */
static int say_problem(const char *host, const char *when, const char *problem, const char *imported, void *arg)
{
	int *n = arg;
	if (*imported && strcmp(imported, when) >= 0)
		return 0;
	if (!(*n)++)
		fprintf(stderr, "zhengce stats: the last crawl did not complete these sites (their documents may be missing):\n");
	fprintf(stderr, "  %s (crawl of %s): %s\n", host, *when ? when : "?", problem);
	return 0;
}

static int problems_txn(zc_txn *t, void *arg)
{
	return zc_tx_site_problems_each(t, say_problem, arg);
}

int count_txn(zc_txn *t, void *arg)
{
	count_ctx *c = arg;
	int rc = zc_tx_profile_get(t, &c->profile);
	if (rc == ZC_OK || rc == ZC_ENOTFOUND)
		rc = zc_tx_last_crawl_get(t, &c->crawled);
	if (rc != ZC_OK && rc != ZC_ENOTFOUND)
		return rc;
	return zc_tx_decisions_each(t, stats_add, c->s);
}

static const char STATS_HELP[] =
	"usage: zhengce stats [--corpus DIR] [--by summary|province|year|province-year] [--format table|csv|json]\n"
	"\nDocuments and entries of the corpus by province and year (year = written date, else\n"
	"published date), national and provincial totals, and exclusions by reason.\n";

int cmd_stats(int argc, char **argv)
{
	const char *corpus = NULL, *by = "summary", *format = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"by", &by, NULL}, {"format", &format, NULL}};
	int r = simple_options("stats", STATS_HELP, argc, argv, opts, sizeof opts / sizeof *opts, 0);
	enum zc_format fmt = ZC_FMT_TABLE;
	if (r >= 0 || (r = format_option("stats", format, "table|csv|json", &fmt)) >= 0)
		return r;
	if (strcmp(by, "summary") && strcmp(by, "province") && strcmp(by, "year") && strcmp(by, "province-year"))
		return usage_error("stats", "--by is summary, province, year or province-year, not %s", by);
	zc_index *idx;
	if (open_corpus("stats", corpus_dir(corpus), &idx))
		return 1;
	count_ctx n = {zc_stats_new(), NULL, NULL};
	int rc = zc_index_read(idx, count_txn, &n);
	if (rc == ZC_OK)
		zc_stats_print(n.s, stdout, by, fmt);
	int problems = 0;
	if (rc == ZC_OK) {
		fflush(stdout);
		rc = zc_index_read(idx, problems_txn, &problems);
	}
	if (problems)
		fprintf(stderr, "zhengce stats: capture them with a browser-based archiver and run zhengce import (docs/SCALE.md)\n");
	zc_stats_free(&n.s);
	free(n.profile);
	free(n.crawled);
	zc_index_close(&idx);
	return rc == ZC_OK ? 0 : 1;
}
