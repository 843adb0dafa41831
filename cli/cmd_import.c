/*
 * cmd_import.c - import: documents from WARC files of any archiving crawler, selected as a
 * crawl's are
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char IMPORT_HELP[] =
	"usage: zhengce import [OPTIONS] WARC...\n"
	"\n"
	"Takes the pages of WARC files written by any archiving crawler (wget --warc-file,\n"
	"Heritrix, StormCrawler, Nutch, browsertrix-crawler, ArchiveWeb.page, another zhengce) into\n"
	"the corpus: WARC/1.0 and 1.1, a gzip member per record, gzipped whole, or uncompressed.\n"
	"Each response record of a seed site's URL (a revisit through the record it refers to, in\n"
	"any of the files) is parsed, stored and selected as a crawl's fetched article is; search\n"
	"answers and list pages of the seeds are recorded as answers, not documents; pages that\n"
	"hold no document, challenges, other hosts and non-HTML records are counted and left.  Each\n"
	"document names the file (its absolute path: keep the file there, or check reports it) and\n"
	"the record's place.  A capture older than the page the corpus holds, or the same, adds\n"
	"nothing: importing a file again adds nothing, and an import that was killed is resumed by\n"
	"running it again.  Takes the crawl's lock (exit 75 while a crawl or an import runs).\n"
	"\n"
	"  --corpus DIR      corpus directory (default ./corpus; made when absent)\n"
	"  --seeds FILE      sites (default seeds/sites.json): what is in scope, and whose\n"
	"  --profile FILE    study profile (default profiles/reference.json)\n"
	"  --site LIST       only these sites' pages: hosts, jurisdiction codes or provinces\n"
	"  --progress / --quiet\n"
	"  --verbose         say each record left out and why\n"
	"\n"
	"A file that ends in part of a record (its writer at work, or killed: a cut tail) is named\n"
	"with the offset of that part, and its whole records are taken.\n"
	"Exit 0 when every file read to its end or to a cut tail; 1 when one is damaged (its records\n"
	"before the fault are taken, and the file and offset are named) or a write failed.\n";

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {{"corpus", 1, 0, 'C'}, {"seeds", 1, 0, 's'}, {"profile", 1, 0, 'P'},
					     {"site", 1, 0, 'S'}, {"progress", 0, 0, 'p'}, {"quiet", 0, 0, 'q'},
					     {"verbose", 0, 0, 'v'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	const char *corpus = NULL, *seeds_opt = NULL, *profile_opt = NULL, *site = NULL;
	int c, verbose = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 's': seeds_opt = optarg; break;
		case 'P': profile_opt = optarg; break;
		case 'S': site = optarg; break;
		case 'p': progress_opt = 1; break;
		case 'q': progress_opt = 0; break;
		case 'v': verbose = 1; break;
		case 'h': fputs(IMPORT_HELP, stdout); return 0;
		default: return option_error("import", c, argv, opts);
		}
	}
	if (optind >= argc)
		return usage_error("import", "no WARC file given (zhengce import --help)");
	for (int i = optind; i < argc; i++)
		if (access(argv[i], R_OK) != 0)
			return usage_error("import", "cannot read %s: %s", argv[i], strerror(errno));
	corpus = corpus_dir(corpus);
	char *seeds_path = data_file(seeds_opt, "ZHENGCE_SEEDS", "seeds/sites.json");
	char *profile_path = data_file(profile_opt, "ZHENGCE_PROFILE", "profiles/reference.json");
	zc_seeds seeds = {0};
	zc_profile *profile = NULL;
	zc_index *idx = NULL;
	char *err = NULL, *only = NULL;
	int lockfd = -1, ret = 1;
	long holder = 0;
	int rc = zc_index_lock_crawl(corpus, &lockfd, &holder);
	if (rc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce import: a crawl or an import (pid %ld) is running on %s; exiting\n", holder, corpus);
		ret = EXIT_LOCKED;
		goto out;
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce import: cannot create the lock in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	if (zc_seeds_load(seeds_path, &seeds, &err) != ZC_OK) {
		fprintf(stderr, "zhengce import: bad seed file: %s\n", err);
		goto out;
	}
	if (site) {
		int r = sites_resolve("import", site, &seeds, seeds_path, &only);
		if (r >= 0) {
			ret = r;
			goto out;
		}
	}
	if (zc_profile_load(profile_path, &profile, &err) != ZC_OK) {
		fprintf(stderr, "zhengce import: profile refused, nothing imported: %s\n", err);
		ret = EXIT_USAGE;
		goto out;
	}
	if ((rc = zc_index_open(corpus, 0, &idx)) != ZC_OK) {
		fprintf(stderr, "zhengce import: cannot open the corpus in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	int progress = progress_wanted(0);
	zc_progress prog = {.on = progress};
	zc_warc_import_opts o = {.files = (const char *const *)argv + optind, .n_files = (size_t)(argc - optind), .only = only,
			    .prog = &prog, .verbose = verbose};
	zc_warc_import_summary sum;
	rc = zc_warc_import_run(idx, &seeds, &o, on_article, NULL, &sum);
	printf("%zu file%s, %ld records: added %ld, changed %ld, unchanged %ld, older than the corpus's %ld (documents of %zu "
	       "sites)\n",
	       o.n_files, o.n_files == 1 ? "" : "s", sum.records, sum.added, sum.changed, sum.unchanged, sum.older, sum.sites);
	printf("%ld search answers and list pages; %ld held no document; %ld challenges; %ld of other hosts; %ld not pages; "
	       "%ld revisits without their original\n",
	       sum.answers, sum.unparseable, sum.challenged, sum.out_of_scope, sum.not_pages, sum.unresolved);
	if (sum.unparseable)
		fprintf(stderr, "zhengce import: %ld answers held no document and were not stored as documents, e.g. %s\n",
			sum.unparseable, sum.unparseable_url);
	if (sum.challenged)
		fprintf(stderr, "zhengce import: %ld pages are anti-bot challenges, not documents: capture the site with a "
				"browser that passes the challenge\n", sum.challenged);
	if (rc != ZC_OK) {
		char *file = zc_index_file(idx);
		fprintf(stderr, "zhengce import: stopped: cannot write %s: %s; what was stored stands, run the import again "
				"to resume\n", file, zc_strerror(rc));
		free(file);
		goto out;
	}
	fflush(stdout);
	if (select_stored("import", idx, profile, progress) != 0)
		goto out;
	ret = sum.files_failed ? 1 : 0;
out:
	zc_index_close(&idx);
	zc_profile_free(&profile);
	zc_seeds_free(&seeds);
	zc_index_unlock_crawl(&lockfd);
	free(only);
	free(err);
	free(seeds_path);
	free(profile_path);
	return ret;
}
