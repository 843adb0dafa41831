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

/* a note of the import, under its progress line (which the next show draws again) */
static void import_note(const char *msg, void *arg)
{
	zc_progress_end(arg);
	fprintf(stderr, "zhengce import: %s\n", msg);
}

/* the counts of an import, and what the user should know of it */
static void import_said(const zc_warc_import_opts *o, const zc_warc_import_summary *sum)
{
	printf("%zu file%s, %ld records: added %ld, changed %ld, unchanged %ld, older than the corpus's %ld (documents of %zu "
	       "sites)\n",
	       o->n_files, o->n_files == 1 ? "" : "s", sum->records, sum->added, sum->changed, sum->unchanged, sum->older,
	       sum->sites);
	printf("%ld search answers and list pages; %ld held no document; %ld challenges; %ld of other hosts; %ld not pages; "
	       "%ld revisits without their original\n",
	       sum->answers, sum->unparseable, sum->challenged, sum->out_of_scope, sum->not_pages, sum->unresolved);
	if (sum->unparseable)
		fprintf(stderr, "zhengce import: %ld answers held no document and were not stored as documents, e.g. %s\n",
			sum->unparseable, sum->unparseable_url);
	if (sum->challenged)
		fprintf(stderr, "zhengce import: %ld pages are anti-bot challenges, not documents: capture the site with a "
				"browser that passes the challenge\n", sum->challenged);
}

/* the files imported with what writer_open() prepared, then selected; returns the exit code */
static int import_with(writer *w, char **files, size_t n, int verbose)
{
	int progress = progress_wanted(0);
	zc_progress prog = cli_progress(progress);
	zc_warc_import_opts o = {.files = (const char *const *)files, .n_files = n, .only = w->only, .prog = &prog,
				 .verbose = verbose, .note = import_note, .note_arg = &prog};
	zc_warc_import_summary sum;
	int rc = zc_warc_import_run(w->idx, &w->seeds, &o, on_article, NULL, &sum);
	import_said(&o, &sum);
	if (rc != ZC_OK) {
		char *file = zc_index_file(w->idx);
		fprintf(stderr, "zhengce import: stopped: cannot write %s: %s; what was stored stands, run the import again "
				"to resume\n", file, zc_strerror(rc));
		free(file);
		return 1;
	}
	fflush(stdout);
	if (select_stored("import", w->idx, w->profile, progress) != 0)
		return 1;
	return sum.files_failed ? 1 : 0;
}

int cmd_import(int argc, char **argv)
{
	const char *corpus = NULL, *seeds_opt = NULL, *profile_opt = NULL, *site = NULL;
	int verbose = 0;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"seeds", &seeds_opt, NULL}, {"profile", &profile_opt, NULL},
				{"site", &site, NULL}, {"verbose", NULL, &verbose}};
	int r = simple_options("import", IMPORT_HELP, argc, argv, opts, sizeof opts / sizeof *opts, -1);
	if (r >= 0)
		return r;
	if (optind >= argc)
		return usage_error("import", "no WARC file given (zhengce import --help)");
	for (int i = optind; i < argc; i++)
		if (access(argv[i], R_OK) != 0)
			return usage_error("import", "cannot read %s: %s", argv[i], strerror(errno));
	writer w;
	int ret = writer_open(&w, "import", "imported", corpus_dir(corpus), 1, seeds_opt, profile_opt, site);
	if (ret < 0)
		ret = import_with(&w, argv + optind, (size_t)(argc - optind), verbose);
	writer_close(&w);
	return ret;
}
