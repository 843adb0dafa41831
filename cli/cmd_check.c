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

typedef struct check_ctx {
	const char *corpus;
	long pages, problems, included, records;
	uint64_t total;		/* pages in the snapshot */
	zc_txn *t;
	zc_progress prog;
} check_ctx;

/* a problem or a note, on stdout: the progress line (stderr, the same terminal) goes first */
static void check_say(check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check_say(check_ctx *c, const char *fmt, ...)
{
	zc_progress_end(&c->prog);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static int check_record(json_t *h, const char *block, size_t len, void *arg)
{
	(void)h;
	(void)block;
	(void)len;
	check_ctx *c = arg;
	c->records++;
	zc_progress_show(&c->prog, "check: reading the WARC files: %ld records", c->records);
	return 0;
}

/* whether the record at a page's offset is the page's response (or revisit) record */
typedef struct at_page {
	const char *id, *url;
	int same;
} at_page;

static int page_record(json_t *h, const char *block, size_t len, void *arg)
{
	(void)block;
	(void)len;
	at_page *a = arg;
	const char *type = zc_jstr(h, "WARC-Type");
	/* WARC 1.0 writers (wget) put the URI in angle brackets */
	const char *uri = zc_jstr(h, "WARC-Target-URI");
	size_t n = strlen(uri), ul = strlen(a->url);
	int same_uri = !strcmp(uri, a->url) || (n == ul + 2 && uri[0] == '<' && uri[n - 1] == '>' && !strncmp(uri + 1, a->url, ul));
	a->same = (!strcmp(type, "response") || !strcmp(type, "revisit")) && !strcmp(zc_jstr(h, "WARC-Record-ID"), a->id) &&
		  same_uri;
	return 0;
}

static int page_record_at(const zc_warc_record *r, void *arg)
{
	return page_record(r->headers, r->block, r->len, arg);
}

/* reads every WARC file of the corpus back with zhengce's own reader */
static void check_warc(check_ctx *c)
{
	char *dir = zc_asprintf("%s/warc", c->corpus);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!zc_str_ends(e->d_name, ".warc.gz"))
			continue;
		char *path = zc_asprintf("%s/%s", dir, e->d_name);
		long long cut;
		int rc = zc_warc_read(path, check_record, c, &cut);
		if (rc != ZC_OK) {
			check_say(c, "%s: not a readable WARC file (%s)\n", path, zc_strerror(rc));
			c->problems++;
		} else if (cut) {
			/* not a problem: no stored page points past the records before it */
			check_say(c, "%s: ends in part of a record (%lld bytes) from a crawl that was killed while "
			       "writing it (or is writing it now); the next crawl cuts it\n", path, cut);
		}
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}

static int check_page(const zc_page_check *pc, void *arg)
{
	check_ctx *c = arg;
	json_t *p = pc->page;
	c->pages++;
	zc_progress_show(&c->prog, "check: %ld of %llu pages", c->pages, (unsigned long long)c->total);
	if (!p) {
		check_say(c, "page record %ld does not read (neither JSON nor JSON and a UTF-8 body)\n", c->pages);
		c->problems++;
		return 0;
	}
	if (!pc->url_ok) {
		check_say(c, "%s: the URL index does not point at its page\n", zc_jstr(p, "url"));
		c->problems++;
	}
	/* the record is where the page says: read there, not looked up among all the archive's ids,
	   so that memory does not grow with the corpus */
	json_t *w = json_object_get(p, "warc");
	/* a crawl's file is under CORPUS/warc; an imported one is named by its own path */
	const char *file = zc_jstr(w, "file");
	char *path = file[0] == '/' ? zc_strdup(file) : zc_asprintf("%s/warc/%s", c->corpus, file);
	long long off = json_integer_value(json_object_get(w, "offset"));
	zc_warc_pos where = {off, json_integer_value(json_object_get(w, "skip"))};
	at_page a = {zc_jstr(w, "record_id"), zc_jstr(p, "url"), 0};
	if (!w || !*file || zc_warc_scan(path, &where, 1, page_record_at, &a, NULL) != ZC_OK || !a.same) {
		check_say(c, "%s: its WARC record %s is missing (not at offset %lld of %s)\n", zc_jstr(p, "url"), a.id, off, path);
		c->problems++;
	}
	free(path);
	if (pc->included) {
		c->included++;
		/* an included document's file code points back at it */
		if (!pc->code_ok) {
			check_say(c, "%s: file code %s does not point at it\n", zc_jstr(p, "url"), pc->file_code);
			c->problems++;
		}
	}
	return 0;
}

static int check_txn(zc_txn *t, void *arg)
{
	check_ctx *c = arg;
	c->t = t;
	/* the archive is read inside the snapshot: a crawl running beside the check flushes a
	   page's WARC record before it commits the page, so every page this snapshot holds has its
	   record in the files by now (read before the snapshot, a page committed in between would
	   seem to have none) */
	check_warc(c);
	zc_progress_end(&c->prog);	/* the pages' line comes at once */
	int rc = zc_tx_pages_count(t, &c->total);
	if (rc == ZC_OK)
		rc = zc_tx_pages_check(t, check_page, c);
	zc_progress_end(&c->prog);
	return rc;
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
	check_ctx cc = {.corpus = corpus, .prog = {.on = progress_wanted(0)}};
	int rc = zc_index_read(idx, check_txn, &cc);
	zc_index_close(&idx);
	printf("%ld pages, %ld included, %ld WARC records read back; %ld problem%s\n", cc.pages, cc.included, cc.records,
	       cc.problems, cc.problems == 1 ? "" : "s");
	return rc == ZC_OK && cc.problems == 0 ? 0 : 1;
}
