/*
 * cmd_reselect.c - reselect: a (changed) profile applied to the stored documents, no crawling
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

static const char RESELECT_HELP[] =
	"usage: zhengce reselect [--corpus DIR] [--profile FILE] [--dry-run] [--diff FILE]\n"
	"\n"
	"Applies a profile to the stored documents without crawling.  File codes of documents that\n"
	"stay included never change; newly included ones get the next free codes.  Prints the\n"
	"selection's counts and how many documents and entries enter and leave it.\n"
	"\n"
	"  --dry-run     decide, publish nothing: list each document and entry that would enter or\n"
	"                leave, with its code, title and reason\n"
	"  --diff FILE   write that list as CSV (change, kind, code, title, reason, evidence, url)\n"
	"\n"
	"Documents that only the profile's new search_keywords would find need a crawl: reselect\n"
	"says so when the last crawl searched for other words.\n";

/* the changes as CSV (UTF-8 with a byte order mark, for Excel: docs/CSV.md) */
static int write_diff(const char *path, json_t *changes)
{
	char *part = part_name(path);
	FILE *f = fopen(part, "wb");
	int rc = f ? ZC_OK : zc_write_error(errno);
	if (f) {
		static const char *const cols[] = {"change", "kind", "code", "title", "reason", "evidence", "url"};
		fputs("\xEF\xBB\xBF", f);
		for (int c = 0; c < 7; c++)
			csv_cell(f, cols[c], c == 6);
		size_t i;
		json_t *ch;
		json_array_foreach(changes, i, ch)
			for (int c = 0; c < 7; c++)
				csv_cell(f, zc_jstr(ch, cols[c]), c == 6);
		if (ferror(f))
			rc = zc_write_error(errno);
	}
	rc = part_finish("reselect", f, part, path, rc);
	free(part);
	return rc;
}

static void print_changes(json_t *changes, int list)
{
	size_t n[2][2] = {{0, 0}, {0, 0}}, i;	/* [document, entry][enters, leaves] */
	json_t *ch;
	json_array_foreach(changes, i, ch) {
		int entry = !strcmp(zc_jstr(ch, "kind"), "entry"), leaves = !strcmp(zc_jstr(ch, "change"), "leaves");
		n[entry][leaves]++;
		if (list)
			printf("%-6s  %-8s  %-12s  %s  (%s%s%s)\n", zc_jstr(ch, "change"), zc_jstr(ch, "kind"), zc_jstr(ch, "code"),
			       zc_jstr(ch, "title"), zc_jstr(ch, "reason"), *zc_jstr(ch, "evidence") ? ": " : "", zc_jstr(ch, "evidence"));
	}
	printf("changes: %zu documents enter, %zu leave; %zu entries enter, %zu leave\n", n[0][0], n[0][1], n[1][0], n[1][1]);
}

/* the corpus (only crawl makes one) opened for writing under the crawl's lock, the profile
   loaded; -1 when ready, else the exit code */
static int reselect_open(const char *corpus, const char *ppath, int *lockfd, zc_profile **p, zc_index **idx)
{
	long holder;
	char *data = zc_asprintf("%s/corpus/data.mdb", corpus), *err = NULL;
	int exists = access(data, F_OK) == 0;
	free(data);
	if (!exists) {
		fprintf(stderr, "zhengce reselect: no corpus in %s; check --corpus, or run 'zhengce crawl --corpus %s' first\n",
			corpus, corpus);
		return 1;
	}
	int rc = zc_index_lock_crawl(corpus, lockfd, &holder);
	if (rc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce reselect: a crawl (pid %ld) is running on %s; try again when it ends\n", holder, corpus);
		return EXIT_LOCKED;
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce reselect: cannot take the lock in %s: %s\n", corpus, zc_strerror(rc));
		return 1;
	}
	if (zc_profile_load(ppath, p, &err) != ZC_OK) {
		fprintf(stderr, "zhengce reselect: profile refused, nothing selected: %s\n", err);
		free(err);
		return EXIT_USAGE;
	}
	if ((rc = zc_index_open(corpus, 0, idx)) != ZC_OK) {
		fprintf(stderr, "zhengce reselect: cannot open the corpus in %s: %s\n", corpus, zc_strerror(rc));
		return 1;
	}
	return -1;
}

/* the profile applied (or, dry, only shown), the changes said and written to diff */
static int reselect_run(zc_index *idx, const zc_profile *p, const char *ppath, int dry, const char *diff)
{
	zc_select_stats st;
	zc_progress prog = cli_progress(progress_wanted(0));
	json_t *changes = NULL;
	int rc = zc_select_run(idx, p, ZC_SELECT_FORCE | ZC_SELECT_CHANGES | (dry ? ZC_SELECT_DRY_RUN : 0), &prog, &st, &changes);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce reselect: %s\n", zc_strerror(rc));
		json_decref(changes);
		return 1;
	}
	printf("profile: %s\n", zc_profile_name(p));
	if (dry)
		printf("dry run: nothing published; the selection would be:\n");
	print_selection(&st, stdout);
	print_changes(changes, dry);
	char *missing = zc_select_unsearched(idx, p);
	if (missing)
		fprintf(stderr, "zhengce reselect: the last crawl did not search for %s (search_keywords); only a crawl finds "
				"the documents those words would: run 'zhengce crawl --profile %s'\n", missing, ppath);
	free(missing);
	int ret = diff && write_diff(diff, changes) != ZC_OK ? 1 : 0;
	json_decref(changes);
	return ret;
}

int cmd_reselect(int argc, char **argv)
{
	const char *corpus = NULL, *popt = NULL, *diff = NULL;
	int dry = 0;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"profile", &popt, NULL}, {"dry-run", NULL, &dry},
				{"diff", &diff, NULL}};
	int ret = simple_options("reselect", RESELECT_HELP, argc, argv, opts, sizeof opts / sizeof *opts, 0);
	if (ret >= 0)
		return ret;
	char *ppath = data_file(popt, "ZHENGCE_PROFILE", "profiles/reference.json");
	zc_profile *p = NULL;
	zc_index *idx = NULL;
	int lockfd = -1;
	ret = reselect_open(corpus_dir(corpus), ppath, &lockfd, &p, &idx);
	if (ret < 0)
		ret = reselect_run(idx, p, ppath, dry, diff);
	zc_index_close(&idx);
	zc_profile_free(&p);
	zc_index_unlock_crawl(&lockfd);
	free(ppath);
	return ret;
}
