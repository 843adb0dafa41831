/* check.c - the corpus verified: its pages against the index and the archive, and every WARC
   file read back (zc_check_corpus, crawler.h). */
#include "crawler.h"
#include "../common/zc.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct check_ctx {
	const char *corpus;
	zc_check_summary *sum;
	uint64_t total;		/* pages in the snapshot */
	zc_progress *prog;
	zc_check_say_fn say;
	void *arg;
} check_ctx;

/* a problem or a note: the progress line goes first */
static void say(check_ctx *c, int problem, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(check_ctx *c, int problem, const char *fmt, ...)
{
	zc_progress_end(c->prog);
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *line = zc_malloc(n > 0 ? (size_t)n + 1 : 1);
	line[0] = '\0';
	if (n > 0)
		vsnprintf(line, (size_t)n + 1, fmt, again);
	va_end(again);
	c->say(line, c->arg);
	free(line);
	c->sum->problems += problem;
}

static int check_record(json_t *h, const char *block, size_t len, void *arg)
{
	(void)h;
	(void)block;
	(void)len;
	check_ctx *c = arg;
	c->sum->records++;
	zc_progress_show(c->prog, "check: reading the WARC files: %ld records", c->sum->records);
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
		if (rc != ZC_OK)
			say(c, 1, "%s: not a readable WARC file (%s)", path, zc_strerror(rc));
		else if (cut)	/* not a problem: no stored page points past the records before it */
			say(c, 0, "%s: ends in part of a record (%lld bytes) from a crawl that was killed while "
			    "writing it (or is writing it now); the next crawl cuts it", path, cut);
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}

static int check_page(const zc_page_check *pc, void *arg)
{
	check_ctx *c = arg;
	const zc_page *p = pc->page;
	c->sum->pages++;
	zc_progress_show(c->prog, "check: %ld of %llu pages", c->sum->pages, (unsigned long long)c->total);
	if (!p) {
		say(c, 1, "page record %ld does not read (neither JSON nor JSON and a UTF-8 body)", c->sum->pages);
		return 0;
	}
	if (!pc->url_ok)
		say(c, 1, "%s: the URL index does not point at its page", p->url);
	/* the record is where the page says: read there, not looked up among all the archive's ids,
	   so that memory does not grow with the corpus */
	const zc_warc_place *w = &p->warc;
	/* a crawl's file is under CORPUS/warc; an imported one is named by its own path */
	const char *file = w->file;
	char *path = file[0] == '/' ? zc_strdup(file) : zc_asprintf("%s/warc/%s", c->corpus, file);
	long long off = w->offset;
	zc_warc_pos where = {off, w->skip};
	at_page a = {w->record_id, p->url, 0};
	if (!*file || zc_warc_scan(path, &where, 1, page_record_at, &a, NULL) != ZC_OK || !a.same)
		say(c, 1, "%s: its WARC record %s is missing (not at offset %lld of %s)", p->url, a.id, off, path);
	free(path);
	if (pc->included) {
		c->sum->included++;
		if (!pc->code_ok)	/* an included document's file code points back at it */
			say(c, 1, "%s: file code %s does not point at it", p->url, pc->file_code);
	}
	return 0;
}

static int check_txn(zc_txn *t, void *arg)
{
	check_ctx *c = arg;
	/* the archive is read inside the snapshot: a crawl running beside the check flushes a
	   page's WARC record before it commits the page, so every page this snapshot holds has its
	   record in the files by now (read before the snapshot, a page committed in between would
	   seem to have none) */
	check_warc(c);
	zc_progress_end(c->prog);	/* the pages' line comes at once */
	int rc = zc_tx_pages_count(t, &c->total);
	if (rc == ZC_OK)
		rc = zc_tx_pages_check(t, check_page, c);
	zc_progress_end(c->prog);
	return rc;
}

int zc_check_corpus(zc_index *idx, const char *corpus, zc_progress *prog, zc_check_say_fn fn, void *arg,
		    zc_check_summary *sum)
{
	memset(sum, 0, sizeof *sum);
	check_ctx c = {corpus, sum, 0, prog, fn, arg};
	return zc_index_read(idx, check_txn, &c);
}
