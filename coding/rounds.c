/*
 * rounds.c - agreement of the coders of one round, from the coding table (coding.h): per
 * category and over all, the disagreements, and the adjudication sheet.
 */
#include "coding.h"
#include "../common/zc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

typedef struct gather {
	unsigned round;		/* 0: collect the rounds only */
	json_t *rounds;		/* round number -> true (object keyed by decimal) */
	json_t *by_entry;	/* entry -> {coder: record} */
	json_t *coders;		/* coder -> true */
} gather;

static int gather_one(const char *entry, const char *coder, unsigned round, json_t *rec, void *arg)
{
	gather *g = arg;
	char r[16];
	snprintf(r, sizeof r, "%u", round);
	json_object_set_new(g->rounds, r, json_true());
	if (round != g->round)
		return 0;
	json_t *e = json_object_get(g->by_entry, entry);
	if (!e) {
		e = json_object();
		json_object_set_new(g->by_entry, entry, e);
	}
	json_object_set(e, coder, rec);
	json_object_set_new(g->coders, coder, json_true());
	return 0;
}

static int gather_txn(zc_txn *t, void *arg)
{
	return zc_tx_codings_each(t, gather_one, arg);
}

static int gather_round(zc_index *idx, unsigned round, gather *g)
{
	g->round = round;
	g->rounds = json_object();
	g->by_entry = json_object();
	g->coders = json_object();
	return zc_index_read(idx, gather_txn, g);
}

static void gather_free(gather *g)
{
	json_decref(g->rounds);
	json_decref(g->by_entry);
	json_decref(g->coders);
}

static int uint_cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

int zc_coding_rounds(zc_index *idx, unsigned **rounds, size_t *n)
{
	gather g;
	*rounds = NULL;
	*n = 0;
	int rc = gather_round(idx, 0, &g);
	if (rc == ZC_OK) {
		const char *k;
		json_t *v;
		*rounds = zc_calloc(json_object_size(g.rounds) + 1, sizeof **rounds);
		json_object_foreach(g.rounds, k, v) {
			long r;
			if (zc_parse_long(k, 1, 999, &r) == ZC_OK)
				(*rounds)[(*n)++] = (unsigned)r;
		}
		qsort(*rounds, *n, sizeof **rounds, uint_cmp);
	}
	gather_free(&g);
	return rc;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int entry_cmp(const void *a, const void *b)
{
	return zc_entry_code_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* sorted keys of an object (pointers into it) */
static const char **keys_of(json_t *o, size_t *n, int entries)
{
	const char **v = zc_calloc(json_object_size(o) + 1, sizeof *v);
	const char *k;
	json_t *x;
	*n = 0;
	json_object_foreach(o, k, x)
		v[(*n)++] = k;
	qsort(v, *n, sizeof *v, entries ? entry_cmp : str_cmp);
	return v;
}

/* relations of a record's category as a set of "S->T" strings */
static json_t *rel_set(json_t *rec, const char *cat)
{
	json_t *out = json_array(), *p;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(rec, "relations"), cat), i, p) {
		char *s = zc_asprintf("%s->%s", json_string_value(json_array_get(p, 0)), json_string_value(json_array_get(p, 1)));
		json_array_append_new(out, json_string(s));
		free(s);
	}
	return out;
}

static json_t *num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *agreement_json(const zc_agreement *a)
{
	json_t *o = json_pack("{s:I,s:I,s:I}", "units", (json_int_t)a->units, "pairable", (json_int_t)a->pairable, "coders",
			      (json_int_t)a->coders);
	json_t *ci = json_object();
	for (int i = 0; i < ZC_AGREE_NCOEF; i++) {
		json_object_set_new(o, ZC_AGREE_NAMES[i], num(a->value[i]));
		if (!isnan(a->lo[i]))
			json_object_set_new(ci, ZC_AGREE_NAMES[i], json_pack("[oo]", num(a->lo[i]), num(a->hi[i])));
	}
	json_object_set_new(o, "ci95", ci);
	return o;
}

/* a set as sorted values (for equality of sets) */
static json_t *sorted(json_t *a)
{
	size_t n = json_array_size(a);
	const char **v = zc_calloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(a, i));
	qsort(v, n, sizeof *v, str_cmp);
	json_t *o = json_array();
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			json_array_append_new(o, json_string(v[i]));
	free(v);
	return o;
}

int zc_agree_round(zc_index *idx, const zc_codebook *cb, unsigned round, long boot, unsigned long seed, json_t **report)
{
	gather g;
	*report = NULL;
	int rc = gather_round(idx, round, &g);
	if (rc != ZC_OK) {
		gather_free(&g);
		return rc;
	}
	size_t nc, ne;
	const char **coders = keys_of(g.coders, &nc, 0), **entries = keys_of(g.by_entry, &ne, 1);
	json_t *rep = json_pack("{s:i,s:[],s:[],s:[]}", "round", (int)round, "coders", "categories", "disagreements");
	json_object_set_new(rep, "entries", json_integer((json_int_t)ne));
	for (size_t c = 0; c < nc; c++)
		json_array_append_new(json_object_get(rep, "coders"), json_string(coders[c]));
	zc_agree_data *all = zc_agree_new(nc);
	json_t *dis = json_object();	/* entry -> {category -> {coder: values}} */
	for (size_t k = 0; k < cb->ncats + 1; k++) {
		/* the categories, then the relations of those that have them (as sets of S->T) */
		for (size_t ci = 0; ci < cb->ncats; ci++) {
			const zc_category *cat = &cb->cats[ci];
			int rel = k == cb->ncats;
			if ((k < cb->ncats && k != ci) || (rel && !cat->relation))
				continue;
			zc_agree_data *d = zc_agree_new(nc);
			char *label = rel ? zc_asprintf("%s:relations", cat->id) : zc_strdup(cat->id);
			for (size_t e = 0; e < ne; e++) {
				json_t *byc = json_object_get(g.by_entry, entries[e]);
				size_t u = zc_agree_unit(d), ua = zc_agree_unit(all);
				json_t *first = NULL;
				int differ = 0, n = 0;
				for (size_t c = 0; c < nc; c++) {
					json_t *rec = json_object_get(byc, coders[c]);
					if (!rec)
						continue;
					json_t *v = rel ? rel_set(rec, cat->id) : json_incref(json_object_get(json_object_get(rec, "codes"), cat->id));
					if (!v)
						v = json_array();
					zc_agree_set(d, u, c, v);
					/* pooled: the category's name before each value keeps categories apart */
					json_t *pv = json_array();
					for (size_t i = 0; i < json_array_size(v); i++) {
						char *s = zc_asprintf("%s\x1e%s", label, json_string_value(json_array_get(v, i)));
						json_array_append_new(pv, json_string(s));
						free(s);
					}
					if (!json_array_size(v)) {
						char *s = zc_asprintf("%s\x1e", label);
						json_array_append_new(pv, json_string(s));
						free(s);
					}
					zc_agree_set(all, ua, c, pv);
					json_decref(pv);
					json_t *sv = sorted(v);
					if (!first)
						first = json_incref(sv);
					else if (!json_equal(first, sv))
						differ = 1;
					n++;
					json_decref(sv);
					json_decref(v);
				}
				if (differ && n > 1) {
					json_t *de = json_object_get(dis, entries[e]);
					if (!de) {
						de = json_object();
						json_object_set_new(dis, entries[e], de);
					}
					json_t *vals = json_object();
					for (size_t c = 0; c < nc; c++) {
						json_t *rec = json_object_get(byc, coders[c]);
						if (rec)
							json_object_set_new(vals, coders[c],
									    rel ? rel_set(rec, cat->id)
										: json_incref(json_object_get(json_object_get(rec, "codes"), cat->id)));
					}
					json_object_set_new(de, label, vals);
				}
				json_decref(first);
			}
			zc_agreement a;
			zc_agree_compute(d, boot, seed, &a);
			json_t *o = agreement_json(&a);
			json_object_set_new(o, "category", json_string(label));
			char *name = rel ? zc_strdup(cat->relation) : zc_strdup(cat->name);
			json_object_set_new(o, "name", json_string(name));
			free(name);
			json_array_append_new(json_object_get(rep, "categories"), o);
			zc_agree_free(&d);
			free(label);
		}
	}
	zc_agreement a;
	zc_agree_compute(all, boot, seed, &a);
	json_object_set_new(rep, "overall", agreement_json(&a));
	zc_agree_free(&all);
	/* the disagreements in entry order, the categories in the codebook's */
	size_t nd;
	const char **de = keys_of(dis, &nd, 1);
	for (size_t i = 0; i < nd; i++) {
		json_t *row = json_pack("{s:s,s:{}}", "entry", de[i], "categories");
		json_object_update(json_object_get(row, "categories"), json_object_get(dis, de[i]));
		json_array_append_new(json_object_get(rep, "disagreements"), row);
	}
	free(de);
	json_decref(dis);
	free(coders);
	free(entries);
	gather_free(&g);
	*report = rep;
	return ZC_OK;
}

/* ---- the adjudication sheet ---- */


static int text_txn(zc_txn *t, void *arg)
{
	json_t *texts = arg;
	const char *k;
	json_t *v;
	json_object_foreach(texts, k, v) {
		zc_entry ent;
		if (zc_tx_entry_get(t, k, &ent) == ZC_OK)
			json_object_set_new(texts, k, json_string(ent.text));
		zc_entry_clear(&ent);
	}
	return ZC_OK;
}

int zc_adjudication_sheet(zc_index *idx, const zc_codebook *cb, json_t *report, const char *path)
{
	json_t *coders = json_object_get(report, "coders"), *dis = json_object_get(report, "disagreements");
	size_t nc = json_array_size(coders);
	gather g;
	int rc = gather_round(idx, (unsigned)json_integer_value(json_object_get(report, "round")), &g);
	json_t *texts = json_object();
	size_t i;
	json_t *d;
	json_array_foreach(dis, i, d)
		json_object_set_new(texts, json_string_value(json_object_get(d, "entry")), json_string(""));
	if (rc == ZC_OK)
		rc = zc_index_read(idx, text_txn, texts);
	if (rc != ZC_OK) {
		gather_free(&g);
		json_decref(texts);
		return rc;
	}
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		gather_free(&g);
		json_decref(texts);
		return zc_write_error(errno);
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, "coding");
	lxw_format *wrap = workbook_add_format(wb), *head = workbook_add_format(wb), *grey = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(head);
	format_set_text_wrap(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_text_wrap(grey);
	format_set_font_color(grey, 0x595959);
	format_set_align(grey, LXW_ALIGN_VERTICAL_TOP);
	lxw_col_t col = 0;
	worksheet_write_string(ws, 0, col, "entry", head);
	worksheet_set_column(ws, col, col, 13, NULL);
	col++;
	worksheet_write_string(ws, 0, col, "text", head);
	worksheet_set_column(ws, col, col, 50, wrap);
	col++;
	/* a category: each coder's values (grey, "NAME [coder]"), then the final column, filled
	   where the coders agree on it */
	for (size_t ci = 0; ci < cb->ncats; ci++) {
		for (int rel = 0; rel < 2; rel++) {
			const zc_category *cat = &cb->cats[ci];
			if (rel && !cat->relation)
				continue;
			char *h = rel ? zc_sheet_relation_header(cat) : zc_strdup(cat->name);
			for (size_t c = 0; c < nc; c++) {
				char *hc = zc_asprintf("%s [%s]", h, json_string_value(json_array_get(coders, c)));
				worksheet_write_string(ws, 0, col, hc, head);
				worksheet_set_column(ws, col, col, 18, grey);
				free(hc);
				col++;
			}
			worksheet_write_string(ws, 0, col, h, head);
			worksheet_set_column(ws, col, col, 22, wrap);
			col++;
			free(h);
		}
	}
	worksheet_write_string(ws, 0, col, "note", head);
	worksheet_set_column(ws, col, col, 24, wrap);
	lxw_row_t r = 1;
	json_array_foreach(dis, i, d) {
		const char *entry = json_string_value(json_object_get(d, "entry"));
		json_t *byc = json_object_get(g.by_entry, entry);
		col = 0;
		worksheet_write_string(ws, r, col++, entry, NULL);
		worksheet_write_string(ws, r, col++, json_string_value(json_object_get(texts, entry)), wrap);
		for (size_t ci = 0; ci < cb->ncats; ci++) {
			for (int rel = 0; rel < 2; rel++) {
				const zc_category *cat = &cb->cats[ci];
				if (rel && !cat->relation)
					continue;
				json_t *agreed = NULL;
				int same = 1;
				for (size_t c = 0; c < nc; c++) {
					json_t *rec = json_object_get(byc, json_string_value(json_array_get(coders, c)));
					if (!rec) {
						col++;
						continue;
					}
					json_t *v = rel ? rel_set(rec, cat->id) : json_incref(json_object_get(json_object_get(rec, "codes"), cat->id));
					char *s = zc_values_join(v);
					worksheet_write_string(ws, r, col++, s, grey);
					free(s);
					json_t *sv = sorted(v);
					if (!agreed)
						agreed = json_incref(sv);
					else if (!json_equal(agreed, sv))
						same = 0;
					json_decref(sv);
					json_decref(v);
				}
				if (same && agreed) {
					char *s = zc_values_join(agreed);
					worksheet_write_string(ws, r, col, s, wrap);
					free(s);
				}
				json_decref(agreed);
				col++;
			}
		}
		r++;
	}
	worksheet_freeze_panes(ws, 1, 1);
	worksheet_autofilter(ws, 0, 0, r > 1 ? r - 1 : 1, col);
	if (workbook_close(wb) != LXW_NO_ERROR)
		rc = zc_write_error(errno);
	gather_free(&g);
	json_decref(texts);
	return rc;
}
