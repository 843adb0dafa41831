/* check.c - what the index says of each stored page record (zc_tx_pages_check, index.h). */
#include "index.h"
#include "internal.h"
#include "../common/zc.h"

#include <stdio.h>
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
	zc_page p;
	int reads = zc_page_decode(v, vl, &p) == ZC_OK && kl == 8;
	char code[48];
	if (reads) {
		uint64_t id;
		pc.id = zc_key_u64(k);
		pc.page = &p;
		pc.url_ok = zc_tx_page_id(w->t, p.url, &id) == ZC_OK && id == pc.id;
		if (zc_tx_decision_get(w->t, pc.id, &p.dec) == ZC_OK && zc_page_included(&p)) {
			pc.included = 1;
			snprintf(code, sizeof code, "%s-%ld", zc_page_jurisdiction(&p), p.dec.file_code);
			pc.file_code = code;
			pc.code_ok = zc_tx_file_code_get(w->t, code, &id) == ZC_OK && id == pc.id;
		}
	}
	w->rc = w->fn(&pc, w->arg);
	zc_page_clear(&p);
	return w->rc != 0;
}

int zc_tx_pages_check(zc_txn *t, zc_page_check_fn fn, void *arg)
{
	check_walk w = {t, fn, arg, 0};
	int rc = zc_tx_scan(t, ZC_T_PAGES, NULL, 0, check_one, &w);
	return rc != ZC_OK ? rc : w.rc;
}
