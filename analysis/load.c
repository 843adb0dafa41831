/*
 * load.c - the coded entries of a corpus: every entry's final codes (coding.h) with its
 * jurisdiction (the entry code's first two digits) and its document's year (the decision
 * record's date: written, else published), the categories in the codebook's order.
 */
#include "analysis.h"
#include "coding.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

typedef struct load_ctx {
	zc_analysis *a;
	json_t *years;		/* "JJ-N" -> year, of the included documents */
	zc_codebook_rec codebook;	/* the stored codebook record (own_ NULL when none) */
	unsigned flags;
	zc_load_stats *st;
	int rc;
} load_ctx;

static int year_one(const zc_decision *dec, void *arg)
{
	load_ctx *c = arg;
	if (dec->file_code) {
		char k[32];
		snprintf(k, sizeof k, "%s-%ld", dec->jurisdiction, dec->file_code);
		json_object_set_new(c->years, k, json_integer(zc_year_of(dec->date)));
	}
	return 0;
}

static int years_txn(zc_txn *t, void *arg)
{
	load_ctx *c = arg;
	if (zc_tx_codebook_get(t, &c->codebook) != ZC_OK)
		zc_codebook_rec_clear(&c->codebook);
	return zc_tx_decisions_each(t, year_one, arg);
}

static int final_one(const zc_final_codes *f, void *arg)
{
	load_ctx *c = arg;
	if (f->flags & ZC_FINAL_LEFT) {
		c->st->left++;
		if (!(c->flags & ZC_LOAD_LEFT))
			return 0;
	}
	if (f->flags & ZC_FINAL_CHANGED)
		c->st->changed++;
	char jur[3] = {0};
	if (strlen(f->entry) < 3 || f->entry[2] != '-') {
		c->st->unreadable++;
		return 0;
	}
	memcpy(jur, f->entry, 2);
	int year = (int)json_integer_value(json_object_get(c->years, f->doc_code));
	if (zc_analysis_add(c->a, f->entry, jur, year, &f->rec->codes) != ZC_OK) {
		c->st->unreadable++;
		return 0;
	}
	c->st->entries++;
	return 0;
}

int zc_analysis_load(zc_index *idx, unsigned flags, zc_analysis **out, zc_load_stats *st)
{
	memset(st, 0, sizeof *st);
	load_ctx c = {zc_analysis_new(), json_object(), {0}, flags, st, ZC_OK};
	int rc = zc_index_read(idx, years_txn, &c);
	zc_codebook *cb = NULL;
	char *err = NULL;
	if (rc == ZC_OK && c.codebook.codebook && zc_codebook_from_json(c.codebook.codebook, "the corpus's codebook", &cb, &err) == ZC_OK) {
		/* the categories in the codebook's order, with their names */
		const char *ids[64];
		size_t n = 0;
		for (size_t i = 0; i < cb->ncats && n < 64; i++) {
			ids[n++] = cb->cats[i].id;
			zc_analysis_category_name(c.a, cb->cats[i].id, cb->cats[i].name);
		}
		zc_analysis_order(c.a, ids, n);
	}
	free(err);
	zc_codebook_free(&cb);
	if (rc == ZC_OK)
		rc = zc_coding_finals_each(idx, final_one, &c);
	json_decref(c.years);
	zc_codebook_rec_clear(&c.codebook);
	if (rc != ZC_OK) {
		zc_analysis_free(&c.a);
		return rc;
	}
	*out = c.a;
	return ZC_OK;
}
