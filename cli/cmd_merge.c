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

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {{"corpus", 1, 0, 'C'}, {"profile", 1, 0, 'P'}, {"progress", 0, 0, 'p'},
					     {"quiet", 0, 0, 'q'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	const char *corpus = NULL, *profile_opt = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 'P': profile_opt = optarg; break;
		case 'p': progress_opt = 1; break;
		case 'q': progress_opt = 0; break;
		case 'h': fputs(MERGE_HELP, stdout); return 0;
		default: return option_error("merge", c, argv, opts);
		}
	}
	if (optind >= argc)
		return usage_error("merge", "no corpus to merge given (zhengce merge --help)");
	corpus = corpus_dir(corpus);
	char *self = realpath(corpus, NULL);
	for (int i = optind; i < argc; i++) {
		char *lmdb = zc_asprintf("%s/corpus", argv[i]);
		struct stat st;
		int there = stat(lmdb, &st) == 0;
		free(lmdb);
		char *real = realpath(argv[i], NULL);
		int same = real && self && !strcmp(real, self);
		free(real);
		if (!there || same) {
			free(self);
			return usage_error("merge", same ? "%s is the corpus merged into" : "%s holds no corpus", argv[i]);
		}
	}
	free(self);
	char *profile_path = data_file(profile_opt, "ZHENGCE_PROFILE", "profiles/reference.json");
	zc_profile *profile = NULL;
	zc_index *idx = NULL;
	char *err = NULL;
	int lockfd = -1, ret = 1;
	long holder = 0;
	int rc = zc_index_lock_crawl(corpus, &lockfd, &holder);
	if (rc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce merge: a crawl, an import or a merge (pid %ld) is running on %s; exiting\n", holder,
			corpus);
		ret = EXIT_LOCKED;
		goto out;
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce merge: cannot create the lock in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	if (zc_profile_load(profile_path, &profile, &err) != ZC_OK) {
		fprintf(stderr, "zhengce merge: profile refused, nothing merged: %s\n", err);
		ret = EXIT_USAGE;
		goto out;
	}
	if ((rc = zc_index_open(corpus, 0, &idx)) != ZC_OK) {
		fprintf(stderr, "zhengce merge: cannot open the corpus in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	int progress = progress_wanted(0);
	zc_progress prog = {.on = progress};
	zc_merge_summary sum;
	free(err);
	err = NULL;
	rc = zc_merge_run(idx, corpus, (const char *const *)argv + optind, (size_t)(argc - optind), &prog, &sum, &err);
	printf("%ld pages from %d corpora: added %ld, changed %ld, unchanged %ld, older than the corpus's %ld; %ld other "
	       "fetch states; %ld WARC files brought in\n",
	       sum.pages, argc - optind, sum.added, sum.changed, sum.unchanged, sum.older, sum.fetch_states, sum.warc_files);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce merge: stopped: %s; what was merged stands, run the merge again to resume\n",
			err ? err : zc_strerror(rc));
		goto out;
	}
	fflush(stdout);
	if (select_stored("merge", idx, profile, progress) != 0)
		goto out;
	ret = 0;
out:
	zc_index_close(&idx);
	zc_profile_free(&profile);
	zc_index_unlock_crawl(&lockfd);
	free(err);
	free(profile_path);
	return ret;
}
