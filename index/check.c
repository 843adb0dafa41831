/* check.c - what the index says of each stored page record (zc_tx_pages_check, index.h). */
#include "index.h"
#include "internal.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

typedef struct check_walk {
	zc_txn *t;
	zc_page_check_fn fn;
	void *arg;
	int rc;
} check_walk;

static int check_one(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	check_walk *w = arg;
	zc_page_check pc = {0};
	json_t *p = zc_page_parse(v, vl);
	char *code = NULL;
	if (kl != 8) {
		json_decref(p);
		p = NULL;
	} else {
		pc.id = zc_key_u64(k);
	}
	if (p) {
		uint64_t id;
		pc.page = p;
		pc.url_ok = zc_tx_page_id(w->t, zc_jstr(p, "url"), &id) == ZC_OK && id == pc.id;
		json_t *d = NULL;
		if (zc_tx_decision_get(w->t, pc.id, &d) == ZC_OK && !strcmp(zc_jstr(d, "decision"), "included")) {
			pc.included = 1;
			pc.file_code = code = zc_file_code(zc_page_jurisdiction(p), (long)json_integer_value(json_object_get(d, "file_code")));
			pc.code_ok = zc_tx_file_code_get(w->t, code, &id) == ZC_OK && id == pc.id;
		}
		json_decref(d);
	}
	w->rc = w->fn(&pc, w->arg);
	free(code);
	json_decref(p);
	return w->rc != 0;
}

int zc_tx_pages_check(zc_txn *t, zc_page_check_fn fn, void *arg)
{
	check_walk w = {t, fn, arg, 0};
	int rc = zc_tx_scan(t, ZC_T_PAGES, NULL, 0, check_one, &w);
	return rc != ZC_OK ? rc : w.rc;
}
