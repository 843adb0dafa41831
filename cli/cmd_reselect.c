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

int cmd_reselect(int argc, char **argv)
{
	static const struct option opts[] = {{"corpus", 1, 0, 'C'}, {"profile", 1, 0, 'P'}, {"dry-run", 0, 0, 'n'},
					     {"diff", 1, 0, 'd'}, {"progress", 0, 0, 'p'}, {"quiet", 0, 0, 'q'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	const char *corpus = NULL, *popt = NULL, *diff = NULL;
	int dry = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 'P': popt = optarg; break;
		case 'n': dry = 1; break;
		case 'd': diff = optarg; break;
		case 'p': progress_opt = 1; break;
		case 'q': progress_opt = 0; break;
		case 'h': fputs(RESELECT_HELP, stdout); return 0;
		default: return option_error("reselect", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("reselect", "unexpected argument %s", argv[optind]);
	corpus = corpus_dir(corpus);
	char *ppath = data_file(popt, "ZHENGCE_PROFILE", "profiles/reference.json"), *err = NULL, *missing = NULL;
	zc_profile *p = NULL;
	zc_index *idx = NULL;
	json_t *changes = NULL;
	int lockfd = -1, ret = 1;
	long holder;
	/* only crawl makes a corpus: a mistyped --corpus is an error, not a new empty corpus */
	char *data = zc_asprintf("%s/corpus/data.mdb", corpus);
	int exists = access(data, F_OK) == 0;
	free(data);
	if (!exists) {
		fprintf(stderr, "zhengce reselect: no corpus in %s; check --corpus, or run 'zhengce crawl --corpus %s' first\n",
			corpus, corpus);
		goto out;
	}
	int lrc = zc_index_lock_crawl(corpus, &lockfd, &holder);
	if (lrc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce reselect: a crawl (pid %ld) is running on %s; try again when it ends\n", holder, corpus);
		ret = EXIT_LOCKED;
		goto out;
	}
	if (lrc != ZC_OK) {
		fprintf(stderr, "zhengce reselect: cannot take the lock in %s: %s\n", corpus, zc_strerror(lrc));
		goto out;
	}
	if (zc_profile_load(ppath, &p, &err) != ZC_OK) {
		fprintf(stderr, "zhengce reselect: profile refused, nothing selected: %s\n", err);
		ret = EXIT_USAGE;
		goto out;
	}
	int rc = zc_index_open(corpus, 0, &idx);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce reselect: cannot open the corpus in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	zc_select_stats st;
	zc_progress prog = {.on = progress_wanted(0)};
	rc = zc_select_run(idx, p, ZC_SELECT_FORCE | ZC_SELECT_CHANGES | (dry ? ZC_SELECT_DRY_RUN : 0), &prog, &st, &changes);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce reselect: %s\n", zc_strerror(rc));
		goto out;
	}
	printf("profile: %s\n", zc_profile_name(p));
	if (dry)
		printf("dry run: nothing published; the selection would be:\n");
	print_selection(&st, stdout);
	print_changes(changes, dry);
	if ((missing = zc_select_unsearched(idx, p)))
		fprintf(stderr, "zhengce reselect: the last crawl did not search for %s (search_keywords); only a crawl finds "
				"the documents those words would: run 'zhengce crawl --profile %s'\n", missing, ppath);
	if (diff && write_diff(diff, changes) != ZC_OK)
		goto out;
	ret = 0;
out:
	json_decref(changes);
	zc_index_close(&idx);
	zc_profile_free(&p);
	zc_index_unlock_crawl(&lockfd);
	free(ppath);
	free(err);
	free(missing);
	return ret;
}
