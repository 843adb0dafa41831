/*
 * cmd_report.c - report: one HTML file with the charts by province and year
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

int cmd_report(int argc, char **argv)
{
	const char *corpus = NULL, *out = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"output", &out, NULL}};
	int r = simple_options("report", "usage: zhengce report [--corpus DIR] -o FILE.html\n\nOne self-contained HTML file (no network, no script): national documents by year\n"
			       "(Figure 1), documents by province (Figure 2), provincial documents by year and region\n"
			       "(Figure 3) as SVG charts with their tables, the profile, the crawl date and the\n"
			       "exclusions by reason.\n", argc, argv, opts, 2, 0);
	if (r >= 0)
		return r;
	if (!out)
		return usage_error("report", "give the output file: -o report.html (-o - for standard output)");
	zc_index *idx;
	if (open_corpus("report", corpus_dir(corpus), &idx))
		return 1;
	count_ctx c = {zc_stats_new(), NULL, NULL};
	int rc = zc_index_read(idx, count_txn, &c);
	json_t *about = zc_select_profile_record(idx);
	if (!about)	/* a selection made before zhengce recorded its profile: the name alone */
		about = json_pack("{s:s}", "name", c.profile ? c.profile : "");
	zc_index_close(&idx);
	int to_stdout = !strcmp(out, "-");
	char *part = to_stdout ? NULL : part_name(out);
	FILE *f;
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce report: %s\n", zc_strerror(rc));
	} else if (to_stdout) {
		rc = zc_report_write(stdout, c.s, about, c.crawled);
		if (rc != ZC_OK)
			fprintf(stderr, "zhengce report: cannot write the output: %s\n", zc_strerror(rc));
	} else if (!(f = fopen(part, "w"))) {
		fprintf(stderr, "zhengce report: cannot write %s: %s\n", out, strerror(errno));
		rc = ZC_EIO;
	} else {
		rc = part_finish("report", f, part, out, zc_report_write(f, c.s, about, c.crawled));
	}
	free(part);
	free(c.profile);
	free(c.crawled);
	json_decref(about);
	zc_stats_free(&c.s);
	if (rc != ZC_OK)
		return 1;
	if (!to_stdout)
		printf("wrote %s\n", out);
	return 0;
}
