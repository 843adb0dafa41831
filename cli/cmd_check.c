/*
 * cmd_check.c - check: the corpus verified (indexes, file codes, WARC records)
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

/* a problem or a note, on stdout: the progress line (stderr, the same terminal) is ended first */
static void check_say(const char *line, void *arg)
{
	(void)arg;
	printf("%s\n", line);
	fflush(stdout);
}

int cmd_check(int argc, char **argv)
{
	const char *corpus = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}};
	int r = simple_options("check", "usage: zhengce check [--corpus DIR]\n\nVerifies the corpus: every page record readable, the URL index agrees with the pages,\n"
			       "every page's WARC record is where the page says (file and offset), every included\n"
			       "document's file code points at it, every WARC file reads back.\n"
			       "A WARC file whose crawl was killed while writing a record ends in part of it: the records\n"
			       "before it are read, it is reported, and the next crawl cuts it.\n"
			       "Exit 0 when all is well.\n", argc, argv, opts, 1, 0);
	if (r >= 0)
		return r;
	corpus = corpus_dir(corpus);
	zc_index *idx;
	if (open_corpus("check", corpus, &idx))
		return 1;
	zc_progress prog = cli_progress(progress_wanted(0));
	zc_check_summary cs;
	int rc = zc_check_corpus(idx, corpus, &prog, check_say, NULL, &cs);
	zc_index_close(&idx);
	printf("%ld pages, %ld included, %ld WARC records read back; %ld problem%s\n", cs.pages, cs.included, cs.records,
	       cs.problems, cs.problems == 1 ? "" : "s");
	return rc == ZC_OK && cs.problems == 0 ? 0 : 1;
}
