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
	json_t *page;	/* the page record with its decision */
	json_t *entry;	/* the entry, when arg is an entry's code */
	char *canon;	/* a duplicate's canonical copy's code, when it has one */
} why_ctx;

static int find_page(zc_txn *t, why_ctx *w)
{
	uint64_t id;
	if (zc_tx_page_id(t, w->arg, &id) == ZC_OK)
		return zc_tx_page_get(t, id, &w->page);
	/* a URL as a browser shows it: without its #fragment, and by the other scheme */
	if (!strncmp(w->arg, "http://", 7) || !strncmp(w->arg, "https://", 8)) {
		size_t n = strcspn(w->arg, "#");
		const char *rest = w->arg + (w->arg[4] == 's' ? 8 : 7);
		int len = (int)(n - (size_t)(rest - w->arg));
		char *same = zc_asprintf("%.*s", (int)n, w->arg);
		char *other = zc_asprintf("%s%.*s", w->arg[4] == 's' ? "http://" : "https://", len, rest);
		int rc = zc_tx_page_id(t, same, &id) == ZC_OK || zc_tx_page_id(t, other, &id) == ZC_OK
				 ? zc_tx_page_get(t, id, &w->page) : ZC_ENOTFOUND;
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
		id = (uint64_t)json_integer_value(json_object_get(w->entry, "page"));
		return zc_tx_page_get(t, id, &w->page);
	}
	default:
		return ZC_ENOTFOUND;
	}
	int rc = zc_tx_code_page(t, w->arg, &id);
	return rc == ZC_OK ? zc_tx_page_get(t, id, &w->page) : rc;
}

static int why_txn(zc_txn *t, void *arg)
{
	why_ctx *w = arg;
	int rc = find_page(t, w);
	if (rc != ZC_OK || !w->page)
		return rc;
	/* a duplicate: the code of the copy that stands for it */
	const char *cu = zc_jstr(w->page, "canonical_url");
	uint64_t id;
	json_t *cp = NULL;
	if (*cu && zc_tx_page_id(t, cu, &id) == ZC_OK && zc_tx_page_get(t, id, &cp) == ZC_OK &&
	    !strcmp(zc_jstr(cp, "decision"), "included"))
		w->canon = zc_asprintf("%s-%lld", zc_jstr(cp, "jurisdiction"), (long long)json_integer_value(json_object_get(cp, "file_code")));
	json_decref(cp);
	return ZC_OK;
}

static void print_why(const why_ctx *w)
{
	json_t *p = w->page, *doc = json_object_get(p, "doc");
	int inc = !strcmp(zc_jstr(p, "decision"), "included");
	json_int_t fc = json_integer_value(json_object_get(p, "file_code"));
	if (w->entry) {
		printf("entry %s (section %lld, item %lld) of %s:\n", zc_jstr(w->entry, "code"),
		       (long long)json_integer_value(json_object_get(w->entry, "section")),
		       (long long)json_integer_value(json_object_get(w->entry, "item")), zc_jstr(w->entry, "doc_code"));
		const char *text = zc_jstr(w->entry, "text");
		while (*text) {
			size_t n = strcspn(text, "\n");
			printf("  %.*s\n", (int)n, text);
			text += n + (text[n] == '\n');
		}
		printf("\n");
	}
	printf("%s\n", zc_jstr(doc, "title"));
	if (inc)
		printf("INCLUDED as %s-%lld: %s\n", zc_page_jurisdiction(p), (long long)fc, zc_jstr(p, "evidence"));
	else
		printf("EXCLUDED (%s): %s\n", zc_jstr(p, "reason"), zc_jstr(p, "evidence"));
	if (*zc_jstr(p, "canonical_url"))
		printf("canonical copy: %s%s%s\n", w->canon ? w->canon : "", w->canon ? " " : "", zc_jstr(p, "canonical_url"));
	const char *prov = zc_province_name(zc_page_jurisdiction(p));
	printf("jurisdiction:   %s %s\n", zc_page_jurisdiction(p), prov ? prov : "");
	printf("document no.:   %s\n", *zc_jstr(doc, "docno") ? zc_jstr(doc, "docno") : "(none)");
	printf("issuers:        ");
	json_t *iss = json_object_get(doc, "issuers");
	for (size_t i = 0; i < json_array_size(iss); i++)
		printf("%s%s", i ? "、" : "", json_string_value(json_array_get(iss, i)));
	printf("%s\n", json_array_size(iss) ? "" : "(none on the page)");
	printf("written:        %s\npublished:      %s\ntype:           %s\nvalidity:       %s\n",
	       *zc_jstr(doc, "written_date") ? zc_jstr(doc, "written_date") : "(not given)", zc_jstr(doc, "published_date"),
	       zc_jstr(doc, "type"), *zc_jstr(doc, "validity") ? zc_jstr(doc, "validity") : "(not given)");
	printf("entries:        %lld\n", (long long)json_integer_value(json_object_get(p, "entries")));
	printf("sources:\n");
	json_t *src = json_object_get(p, "sources");
	for (size_t i = 0; i < json_array_size(src); i++)
		printf("  %s\n", json_string_value(json_array_get(src, i)));
	json_t *warc = json_object_get(p, "warc");
	printf("fetched %s; archived in warc/%s at offset %lld, record %s\n", zc_jstr(p, "fetched_at"), zc_jstr(warc, "file"),
	       (long long)json_integer_value(json_object_get(warc, "offset")), zc_jstr(warc, "record_id"));
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
		why_ctx w = {argv[i], NULL, NULL, NULL};
		int rc = zc_index_read(idx, why_txn, &w);
		if (rc == ZC_OK && w.page) {
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
		json_decref(w.page);
		json_decref(w.entry);
		free(w.canon);
	}
	zc_index_close(&idx);
	return ret;
}
