/*
 * cmd_parse.c - parse: one saved page parsed and printed as JSON
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

int cmd_parse(int argc, char **argv)
{
	const char *url = NULL, *ctype = NULL;
	const cli_opt opts[] = {{"url", &url, NULL}, {"content-type", &ctype, NULL}};
	int r = simple_options("parse", "usage: zhengce parse --url URL [--content-type CT] FILE\n\nParses one saved page (FILE, or - for standard input) as if fetched from URL with\n"
			       "the HTTP Content-Type CT, and prints the document as one JSON object.\n", argc, argv, opts, 2, 1);
	if (r >= 0)
		return r;
	if (optind != argc - 1)
		return usage_error("parse", "give one FILE");
	if (!url)
		url = "http://localhost/";
	const char *path = argv[optind];
	FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "zhengce parse: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	zc_buf b;
	zc_buf_init(&b, 64u << 20);
	int rc = zc_buf_read(&b, f);
	if (f != stdin)
		fclose(f);
	if (rc != ZC_OK) {
		if (rc == ZC_ETOOBIG)
			fprintf(stderr, "zhengce parse: %s is larger than 64 MB\n", path);
		else
			fprintf(stderr, "zhengce parse: cannot read %s: %s\n", path, zc_strerror(rc));
		zc_buf_free(&b);
		return 1;
	}
	zc_doc *d;
	rc = zc_parse_page(b.data ? b.data : "", b.len, url, ctype, &d);
	zc_buf_free(&b);
	char *js = zc_doc_to_json(d, 1);
	puts(js);
	free(js);
	zc_doc_free(&d);
	if (rc == ZC_ECHALLENGE)
		fprintf(stderr, "zhengce parse: %s is an anti-bot challenge page, not a document\n", path);
	else if (rc != ZC_OK)
		fprintf(stderr, "zhengce parse: %s: %s\n", path, zc_strerror(rc));
	return rc == ZC_OK ? 0 : 1;
}
