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
	json_t *page;
} why_ctx;

static int why_txn(zc_txn *t, void *arg)
{
	why_ctx *w = arg;
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
	/* a code: 33-12 (document) or 33-12-3-2 (entry) */
	char code[64];
	int j, f;
	if (sscanf(w->arg, "%d-%d", &j, &f) == 2) {
		snprintf(code, sizeof code, "%02d-%d", j, f);
		char *v;
		size_t n;
		if (zc_tx_get(t, ZC_T_FILECODE, code, strlen(code), &v, &n) == ZC_OK) {
			id = n == 8 ? zc_key_u64(v) : 0;
			free(v);
			return zc_tx_page_get(t, id, &w->page);
		}
	}
	return ZC_ENOTFOUND;
}

int cmd_why(int argc, char **argv)
{
	const char *corpus = NULL;
	const cli_opt opts[] = {{"corpus", &corpus}};
	int ret = simple_options("why", "usage: zhengce why [--corpus DIR] URL|CODE\n\nWhy a document was included or excluded: the decision, its reason and\n"
				 "evidence, the document's fields and every source where it was seen.\n", argc, argv, opts, 1, 1);
	if (ret >= 0)
		return ret;
	if (optind != argc - 1)
		return usage_error("why", "give one URL or code (33-12, 00-29-6-2)");
	zc_index *idx;
	if (open_corpus("why", corpus_dir(corpus), &idx))
		return 1;
	why_ctx w = {argv[optind], NULL};
	int rc = zc_index_read(idx, why_txn, &w);
	zc_index_close(&idx);
	if (rc != ZC_OK || !w.page) {
		fprintf(stderr, "zhengce why: %s is not in the corpus (neither a fetched URL nor a file code)\n", argv[optind]);
		return 1;
	}
	json_t *p = w.page, *doc = json_object_get(p, "doc");
	int inc = !strcmp(jstr(p, "decision"), "included");
	json_int_t fc = json_integer_value(json_object_get(p, "file_code"));
	printf("%s\n", jstr(doc, "title"));
	if (inc)
		printf("INCLUDED as %s-%lld: %s\n", jstr(p, "jurisdiction"), (long long)fc, jstr(p, "evidence"));
	else
		printf("EXCLUDED (%s): %s\n", jstr(p, "reason"), jstr(p, "evidence"));
	if (*jstr(p, "canonical_url"))
		printf("canonical copy: %s\n", jstr(p, "canonical_url"));
	const char *prov = zc_province_name(jstr(p, "jurisdiction"));
	printf("jurisdiction:   %s %s\n", jstr(p, "jurisdiction"), prov ? prov : "");
	printf("document no.:   %s\n", *jstr(doc, "docno") ? jstr(doc, "docno") : "(none)");
	printf("issuers:        ");
	json_t *iss = json_object_get(doc, "issuers");
	for (size_t i = 0; i < json_array_size(iss); i++)
		printf("%s%s", i ? "、" : "", json_string_value(json_array_get(iss, i)));
	printf("%s\n", json_array_size(iss) ? "" : "(none on the page)");
	printf("written:        %s\npublished:      %s\ntype:           %s\nvalidity:       %s\n",
	       *jstr(doc, "written_date") ? jstr(doc, "written_date") : "(not given)", jstr(doc, "published_date"),
	       jstr(doc, "type"), *jstr(doc, "validity") ? jstr(doc, "validity") : "(not given)");
	printf("entries:        %lld\n", (long long)json_integer_value(json_object_get(p, "entries")));
	printf("sources:\n");
	json_t *src = json_object_get(p, "sources");
	for (size_t i = 0; i < json_array_size(src); i++)
		printf("  %s\n", json_string_value(json_array_get(src, i)));
	json_t *warc = json_object_get(p, "warc");
	printf("fetched %s; archived in warc/%s at offset %lld, record %s\n", jstr(p, "fetched_at"), jstr(warc, "file"),
	       (long long)json_integer_value(json_object_get(warc, "offset")), jstr(warc, "record_id"));
	json_decref(p);
	return 0;
}
