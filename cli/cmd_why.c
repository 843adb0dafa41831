/*
 * cmd_why.c - why: the decision on one document (URL or code), its reason, evidence and sources
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

typedef struct why_ctx {
	const char *arg;
	zc_page page;	/* the page with its decision */
	int found;	/* page was read */
	zc_entry entry;	/* the entry, when arg is an entry's code (code "" else) */
	char *canon;	/* a duplicate's canonical copy's code, when it has one */
} why_ctx;

static int page_get(zc_txn *t, uint64_t id, why_ctx *w)
{
	int rc = zc_tx_page_get(t, id, &w->page);
	w->found = rc == ZC_OK;
	return rc;
}

static int find_page(zc_txn *t, why_ctx *w)
{
	uint64_t id;
	if (zc_tx_page_id(t, w->arg, &id) == ZC_OK)
		return page_get(t, id, w);
	/* a URL as a browser shows it: without its #fragment, and by the other scheme */
	if (!strncmp(w->arg, "http://", 7) || !strncmp(w->arg, "https://", 8)) {
		size_t n = strcspn(w->arg, "#");
		const char *rest = w->arg + (w->arg[4] == 's' ? 8 : 7);
		int len = (int)(n - (size_t)(rest - w->arg));
		char *same = zc_asprintf("%.*s", (int)n, w->arg);
		char *other = zc_asprintf("%s%.*s", w->arg[4] == 's' ? "http://" : "https://", len, rest);
		int rc = zc_tx_page_id(t, same, &id) == ZC_OK || zc_tx_page_id(t, other, &id) == ZC_OK
				 ? page_get(t, id, w) : ZC_ENOTFOUND;
		free(same);
		free(other);
		return rc;
	}
	/* a code: 33-12 (a document) or 33-12-3-2 (an entry, shown with its document) */
	long n[4];
	switch (zc_code_parse(w->arg, n)) {
	case 2:
		break;
	case 4: {
		int rc = zc_tx_entry_get(t, w->arg, &w->entry);
		if (rc != ZC_OK)
			return rc;
		id = w->entry.page;
		return page_get(t, id, w);
	}
	default:
		return ZC_ENOTFOUND;
	}
	int rc = zc_tx_code_page(t, w->arg, &id);
	return rc == ZC_OK ? page_get(t, id, w) : rc;
}

static int why_txn(zc_txn *t, void *arg)
{
	why_ctx *w = arg;
	int rc = find_page(t, w);
	if (rc != ZC_OK || !w->found)
		return rc;
	/* a duplicate: the code of the copy that stands for it */
	const char *cu = w->page.dec.canonical_url;
	uint64_t id;
	zc_decision cd;
	if (*cu && zc_tx_page_id(t, cu, &id) == ZC_OK && zc_tx_decision_get(t, id, &cd) == ZC_OK) {
		if (zc_decision_included(&cd))
			w->canon = zc_file_code(cd.jurisdiction, cd.file_code);
		zc_decision_clear(&cd);
	}
	return ZC_OK;
}

static void print_why(const why_ctx *w)
{
	const zc_page *p = &w->page;
	const zc_page_doc *doc = &p->doc;
	const zc_decision *d = &p->dec;
	if (*w->entry.code) {
		printf("entry %s (section %ld, item %ld) of %s:\n", w->entry.code, w->entry.section, w->entry.item,
		       w->entry.doc_code);
		const char *text = w->entry.text;
		while (*text) {
			size_t n = strcspn(text, "\n");
			printf("  %.*s\n", (int)n, text);
			text += n + (text[n] == '\n');
		}
		printf("\n");
	}
	printf("%s\n", doc->title);
	if (zc_page_included(p))
		printf("INCLUDED as %s-%ld: %s\n", zc_page_jurisdiction(p), d->file_code, d->evidence);
	else
		printf("EXCLUDED (%s): %s\n", d->reason, d->evidence);
	if (*d->canonical_url)
		printf("canonical copy: %s%s%s\n", w->canon ? w->canon : "", w->canon ? " " : "", d->canonical_url);
	const char *prov = zc_province_name(zc_page_jurisdiction(p));
	printf("jurisdiction:   %s %s\n", zc_page_jurisdiction(p), prov ? prov : "");
	printf("document no.:   %s\n", *doc->docno ? doc->docno : "(none)");
	printf("issuers:        ");
	for (size_t i = 0; i < doc->n_issuers; i++)
		printf("%s%s", i ? "、" : "", doc->issuers[i]);
	printf("%s\n", doc->n_issuers ? "" : "(none on the page)");
	printf("written:        %s\npublished:      %s\ntype:           %s\nvalidity:       %s\n",
	       *doc->written_date ? doc->written_date : "(not given)", doc->published_date, doc->type,
	       *doc->validity ? doc->validity : "(not given)");
	printf("entries:        %ld\n", d->entries);
	printf("sources:\n");
	for (size_t i = 0; i < d->n_sources; i++)
		printf("  %s\n", d->sources[i]);
	printf("fetched %s; archived in warc/%s at offset %lld, record %s\n", p->fetched_at, p->warc.file, p->warc.offset,
	       p->warc.record_id);
}

int cmd_why(int argc, char **argv)
{
	const char *corpus = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}};
	int ret = simple_options("why", "usage: zhengce why [--corpus DIR] URL|CODE...\n\n"
				 "Why each document was included or excluded: the decision, its reason and evidence,\n"
				 "the document's fields and every source where it was seen.  A URL is found as a\n"
				 "browser shows it too (a #fragment, the other scheme); a code is a document's (33-12)\n"
				 "or an entry's (33-12-3-2: the entry's text, then its document); a duplicate names\n"
				 "its canonical copy's code.  Exit 1 when one is not in the corpus (the others are shown).\n",
				 argc, argv, opts, 1, -1);
	if (ret >= 0)
		return ret;
	if (optind >= argc)
		return usage_error("why", "give URLs or codes (33-12, 00-29-6-2)");
	zc_index *idx;
	if (open_corpus("why", corpus_dir(corpus), &idx))
		return 1;
	ret = 0;
	for (int i = optind, shown = 0; i < argc; i++) {
		why_ctx w = {.arg = argv[i]};
		zc_page_init(&w.page);
		zc_entry_init(&w.entry);
		int rc = zc_index_read(idx, why_txn, &w);
		if (rc == ZC_OK && w.found) {
			if (shown++)
				printf("\n");
			print_why(&w);
		} else if (rc == ZC_OK || rc == ZC_ENOTFOUND) {
			fprintf(stderr, "zhengce why: %s is not in the corpus (neither a fetched URL nor a document's or "
					"an entry's code)\n", argv[i]);
			ret = 1;
		} else {
			fprintf(stderr, "zhengce why: cannot read %s: %s\n", argv[i], zc_strerror(rc));
			ret = 1;
		}
		zc_page_clear(&w.page);
		zc_entry_clear(&w.entry);
		free(w.canon);
	}
	zc_index_close(&idx);
	return ret;
}
