/*
 * cmd_merge.c - merge: corpora (the shards of a crawl split by site) into one, selected once
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char MERGE_HELP[] =
	"usage: zhengce merge [OPTIONS] CORPUS...\n"
	"\n"
	"Brings the pages of the corpora named (shards of one study crawled with --site on\n"
	"several machines, or corpora of several years) into the corpus of --corpus, with their\n"
	"fetch states and the WARC files their pages name (hard-linked into CORPUS/warc, else\n"
	"copied), and selects once: documents, decisions, file codes and entries are those one\n"
	"complete crawl of every site would give.  Of a URL in several corpora the latest capture\n"
	"stands.  The corpora named are only read.  Merging a corpus again adds nothing.  A site a\n"
	"shard's crawl could not complete stays reported (stats) until a crawl completes it.\n"
	"Takes the crawl's lock of --corpus (exit 75 while a crawl, an import or a merge runs).\n"
	"\n"
	"  --corpus DIR      the corpus merged into (default ./corpus; made when absent)\n"
	"  --profile FILE    study profile (default profiles/reference.json)\n"
	"  --progress / --quiet\n";

/* whether each source holds a corpus and is not the corpus merged into: -1, or the usage error */
static int merge_sources(const char *corpus, char **srcs, int n)
{
	char *self = realpath(corpus, NULL);
	int ret = -1;
	for (int i = 0; i < n && ret < 0; i++) {
		char *lmdb = zc_asprintf("%s/corpus", srcs[i]);
		struct stat st;
		int there = stat(lmdb, &st) == 0;
		free(lmdb);
		char *real = realpath(srcs[i], NULL);
		int same = real && self && !strcmp(real, self);
		free(real);
		if (!there || same)
			ret = usage_error("merge", same ? "%s is the corpus merged into" : "%s holds no corpus", srcs[i]);
	}
	free(self);
	return ret;
}

/* the sources merged with what writer_open() prepared, then selected; returns the exit code */
static int merge_with(writer *w, char **srcs, int n)
{
	int progress = progress_wanted(0);
	zc_progress prog = cli_progress(progress);
	zc_merge_summary sum;
	char *err = NULL;
	int rc = zc_merge_run(w->idx, w->corpus, (const char *const *)srcs, (size_t)n, &prog, &sum, &err);
	printf("%ld pages from %d corpora: added %ld, changed %ld, unchanged %ld, older than the corpus's %ld; %ld other "
	       "fetch states; %ld WARC files brought in\n",
	       sum.pages, n, sum.added, sum.changed, sum.unchanged, sum.older, sum.fetch_states, sum.warc_files);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce merge: stopped: %s; what was merged stands, run the merge again to resume\n",
			err ? err : zc_strerror(rc));
		free(err);
		return 1;
	}
	free(err);
	fflush(stdout);
	return select_stored("merge", w->idx, w->profile, progress) != 0 ? 1 : 0;
}

int cmd_merge(int argc, char **argv)
{
	const char *corpus = NULL, *profile_opt = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"profile", &profile_opt, NULL}};
	int r = simple_options("merge", MERGE_HELP, argc, argv, opts, sizeof opts / sizeof *opts, -1);
	if (r >= 0)
		return r;
	if (optind >= argc)
		return usage_error("merge", "no corpus to merge given (zhengce merge --help)");
	corpus = corpus_dir(corpus);
	if ((r = merge_sources(corpus, argv + optind, argc - optind)) >= 0)
		return r;
	writer w;
	int ret = writer_open(&w, "merge", "merged", corpus, 0, NULL, profile_opt, NULL);
	if (ret < 0)
		ret = merge_with(&w, argv + optind, argc - optind);
	writer_close(&w);
	return ret;
}
