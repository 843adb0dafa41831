/*
 * rounds.c - agreement of the coders of one round, from the coding table (coding.h): per
 * category and over all, the disagreements, and the adjudication sheet.
 */
#include "internal.h"
#include "coding.h"
#include "../common/zc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

typedef struct rounds_ctx {
	unsigned *v;
	size_t n;
} rounds_ctx;

static int round_one(const zc_coding *c, void *arg)
{
	rounds_ctx *r = arg;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i] == c->round)
			return 0;
	r->v = zc_realloc(r->v, (r->n + 1) * sizeof *r->v);
	r->v[r->n++] = c->round;
	return 0;
}

static int rounds_txn(zc_txn *t, void *arg)
{
	return zc_tx_codings_each(t, round_one, arg);
}

static int uint_cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

int zc_coding_rounds(zc_index *idx, unsigned **rounds, size_t *n)
{
	rounds_ctx r = {NULL, 0};
	*rounds = NULL;
	*n = 0;
	int rc = zc_index_read(idx, rounds_txn, &r);
	if (rc != ZC_OK) {
		free(r.v);
		return rc;
	}
	*rounds = zc_calloc(r.n + 1, sizeof **rounds);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i] >= 1 && r.v[i] <= 999)
			(*rounds)[(*n)++] = r.v[i];
	qsort(*rounds, *n, sizeof **rounds, uint_cmp);
	free(r.v);
	return ZC_OK;
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

/* A round's codings: its coders sorted, its entries in entry-code order (numbers as numbers). */
typedef struct round_data {
	unsigned round;
	zc_kept_set k;
	const char **coders;	/* borrowed from k */
	size_t nc;
	const char **entries;	/* borrowed from k */
	size_t ne;
} round_data;

static int round_txn(zc_txn *t, void *arg)
{
	round_data *rd = arg;
	return zc_kept_gather(t, rd->round, &rd->k);
}

static void round_free(round_data *rd)
{
	free(rd->coders);
	free(rd->entries);
	zc_kept_free(&rd->k);
}

static int round_load(zc_index *idx, unsigned round, round_data *rd)
{
	memset(rd, 0, sizeof *rd);
	rd->round = round;
	int rc = zc_index_read(idx, round_txn, rd);
	if (rc != ZC_OK)
		return rc;
	rd->coders = zc_calloc(rd->k.n + 1, sizeof *rd->coders);
	rd->entries = zc_calloc(rd->k.n + 1, sizeof *rd->entries);
	for (size_t i = 0; i < rd->k.n; i++) {
		const zc_kept *k = &rd->k.v[i];
		if (!i || strcmp(k->entry, rd->k.v[i - 1].entry))
			rd->entries[rd->ne++] = k->entry;
		size_t c = 0;
		while (c < rd->nc && strcmp(rd->coders[c], k->coder))
			c++;
		if (c == rd->nc)
			rd->coders[rd->nc++] = k->coder;
	}
	qsort(rd->coders, rd->nc, sizeof *rd->coders, str_cmp);
	qsort(rd->entries, rd->ne, sizeof *rd->entries, entry_cmp);
	return ZC_OK;
}

/* A coding's values of a category (its codes), or of its relations (a set of "S->T"): a new
   array; NULL when the coding does not list the category. */
static json_t *values_of(const zc_kept *k, const zc_category *cat, int rel)
{
	const zc_catcodes *cc = zc_codes_of(&k->codes, cat->id);
	json_t *out = json_array();
	if (!cc && !rel) {
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; cc && !rel && i < cc->ncodes; i++)
		json_array_append_new(out, json_string(cc->codes[i]));
	for (size_t i = 0; cc && rel && i < cc->nrels; i++) {
		char *s = zc_asprintf("%s->%s", cc->rels[i].source, cc->rels[i].target);
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

/* whether v, as a set, is the first value met (*first, kept as a sorted set; v becomes it
   when none was met) */
static int same_set(json_t **first, json_t *v)
{
	json_t *sv = sorted(v);
	int same = 1;
	if (!*first)
		*first = json_incref(sv);
	else
		same = json_equal(*first, sv);
	json_decref(sv);
	return same;
}

/* a coder's value pooled over the categories: the category's label before each value keeps
   categories apart ("no code" too) */
static json_t *pooled(const char *label, json_t *v)
{
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
	return pv;
}

/* the coders' values of entry e where they differ: dis[entry][label] = {coder: values} */
static void add_disagreement(const round_data *rd, size_t e, const zc_category *cat, int rel, const char *label, json_t *dis)
{
	json_t *de = json_object_get(dis, rd->entries[e]);
	if (!de) {
		de = json_object();
		json_object_set_new(dis, rd->entries[e], de);
	}
	json_t *vals = json_object();
	for (size_t c = 0; c < rd->nc; c++) {
		const zc_kept *k = zc_kept_of(&rd->k, rd->entries[e], rd->coders[c]);
		if (k)
			json_object_set_new(vals, rd->coders[c], values_of(k, cat, rel));
	}
	json_object_set_new(de, label, vals);
}

/* entry e of a category (rel: of its relations): each coder's value into d and, pooled, into
   all; where the coders differ, their values into dis */
static void unit_values(const round_data *rd, size_t e, const zc_category *cat, int rel, const char *label, zc_agree_data *d,
			zc_agree_data *all, json_t *dis)
{
	size_t u = zc_agree_unit(d), ua = zc_agree_unit(all);
	json_t *first = NULL;
	int differ = 0, n = 0;
	for (size_t c = 0; c < rd->nc; c++) {
		const zc_kept *k = zc_kept_of(&rd->k, rd->entries[e], rd->coders[c]);
		if (!k)
			continue;
		json_t *v = values_of(k, cat, rel);
		if (!v)
			v = json_array();
		zc_agree_set(d, u, c, v);
		json_t *pv = pooled(label, v);
		zc_agree_set(all, ua, c, pv);
		json_decref(pv);
		differ |= !same_set(&first, v);
		n++;
		json_decref(v);
	}
	if (differ && n > 1)
		add_disagreement(rd, e, cat, rel, label, dis);
	json_decref(first);
}

/* the agreement on a category (rel: on its relations, as sets of S->T): a row of the report */
static json_t *category_agreement(const round_data *rd, const zc_category *cat, int rel, zc_agree_data *all, json_t *dis,
				  long boot, unsigned long seed)
{
	zc_agree_data *d = zc_agree_new(rd->nc);
	char *label = rel ? zc_asprintf("%s:relations", cat->id) : zc_strdup(cat->id);
	for (size_t e = 0; e < rd->ne; e++)
		unit_values(rd, e, cat, rel, label, d, all, dis);
	zc_agreement a;
	zc_agree_compute(d, boot, seed, &a);
	json_t *o = agreement_json(&a);
	json_object_set_new(o, "category", json_string(label));
	json_object_set_new(o, "name", json_string(rel ? cat->relation : cat->name));
	zc_agree_free(&d);
	free(label);
	return o;
}

/* the disagreements into the report: in entry order, the categories in the codebook's */
static void disagreements_into(json_t *rep, json_t *dis)
{
	size_t nd;
	const char **de = keys_of(dis, &nd, 1);
	for (size_t i = 0; i < nd; i++) {
		json_t *row = json_pack("{s:s,s:{}}", "entry", de[i], "categories");
		json_object_update(json_object_get(row, "categories"), json_object_get(dis, de[i]));
		json_array_append_new(json_object_get(rep, "disagreements"), row);
	}
	free(de);
}

int zc_agree_round(zc_index *idx, const zc_codebook *cb, unsigned round, long boot, unsigned long seed, json_t **report)
{
	round_data rd;
	*report = NULL;
	int rc = round_load(idx, round, &rd);
	if (rc != ZC_OK) {
		round_free(&rd);
		return rc;
	}
	json_t *rep = json_pack("{s:i,s:[],s:[],s:[]}", "round", (int)round, "coders", "categories", "disagreements");
	json_object_set_new(rep, "entries", json_integer((json_int_t)rd.ne));
	for (size_t c = 0; c < rd.nc; c++)
		json_array_append_new(json_object_get(rep, "coders"), json_string(rd.coders[c]));
	zc_agree_data *all = zc_agree_new(rd.nc);
	json_t *dis = json_object();	/* entry -> {category -> {coder: values}} */
	json_t *cats = json_object_get(rep, "categories");
	/* the categories, then the relations of those that have them */
	for (size_t ci = 0; ci < cb->ncats; ci++)
		json_array_append_new(cats, category_agreement(&rd, &cb->cats[ci], 0, all, dis, boot, seed));
	for (size_t ci = 0; ci < cb->ncats; ci++)
		if (cb->cats[ci].relation)
			json_array_append_new(cats, category_agreement(&rd, &cb->cats[ci], 1, all, dis, boot, seed));
	zc_agreement a;
	zc_agree_compute(all, boot, seed, &a);
	json_object_set_new(rep, "overall", agreement_json(&a));
	zc_agree_free(&all);
	disagreements_into(rep, dis);
	json_decref(dis);
	round_free(&rd);
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

typedef struct adj_formats {
	lxw_format *wrap, *head, *grey;
} adj_formats;

static adj_formats adj_formats_new(lxw_workbook *wb)
{
	adj_formats f = {workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb)};
	format_set_text_wrap(f.wrap);
	format_set_align(f.wrap, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(f.head);
	format_set_text_wrap(f.head);
	format_set_bg_color(f.head, 0xDDEBF7);
	format_set_text_wrap(f.grey);
	format_set_font_color(f.grey, 0x595959);
	format_set_align(f.grey, LXW_ALIGN_VERTICAL_TOP);
	return f;
}

/* the header row: entry, text, then for a category each coder's values (grey, "NAME [coder]")
   and the final column, the same for its relations; note.  The last column's number. */
static lxw_col_t adj_header(lxw_worksheet *ws, const adj_formats *f, const zc_codebook *cb, json_t *coders)
{
	lxw_col_t col = 0;
	worksheet_write_string(ws, 0, col, "entry", f->head);
	worksheet_set_column(ws, col, col, 13, NULL);
	col++;
	worksheet_write_string(ws, 0, col, "text", f->head);
	worksheet_set_column(ws, col, col, 50, f->wrap);
	col++;
	for (size_t ci = 0; ci < cb->ncats; ci++) {
		for (int rel = 0; rel < 2; rel++) {
			const zc_category *cat = &cb->cats[ci];
			if (rel && !cat->relation)
				continue;
			char *h = rel ? zc_sheet_relation_header(cat) : zc_strdup(cat->name);
			for (size_t c = 0; c < json_array_size(coders); c++) {
				char *hc = zc_asprintf("%s [%s]", h, json_string_value(json_array_get(coders, c)));
				worksheet_write_string(ws, 0, col, hc, f->head);
				worksheet_set_column(ws, col, col, 18, f->grey);
				free(hc);
				col++;
			}
			worksheet_write_string(ws, 0, col, h, f->head);
			worksheet_set_column(ws, col, col, 22, f->wrap);
			col++;
			free(h);
		}
	}
	worksheet_write_string(ws, 0, col, "note", f->head);
	worksheet_set_column(ws, col, col, 24, f->wrap);
	return col;
}

/* one category's (rel: its relations') cells of an entry's row from column col: each coder's
   values, then theirs where they agree; the column after them */
static lxw_col_t adj_cells(lxw_worksheet *ws, const adj_formats *f, lxw_row_t r, lxw_col_t col, const zc_kept_set *k,
			   const char *entry, json_t *coders, const zc_category *cat, int rel)
{
	json_t *agreed = NULL;
	int same = 1;
	for (size_t c = 0; c < json_array_size(coders); c++) {
		const zc_kept *kc = zc_kept_of(k, entry, json_string_value(json_array_get(coders, c)));
		json_t *v = kc ? values_of(kc, cat, rel) : NULL;
		if (!kc) {
			col++;
			continue;
		}
		char *s = zc_values_join(v);
		worksheet_write_string(ws, r, col++, s, f->grey);
		free(s);
		same &= same_set(&agreed, v);
		json_decref(v);
	}
	if (same && agreed) {
		char *s = zc_values_join(agreed);
		worksheet_write_string(ws, r, col, s, f->wrap);
		free(s);
	}
	json_decref(agreed);
	return col + 1;
}

/* the rows: a disagreement each; the number of the row after them */
static lxw_row_t adj_rows(lxw_worksheet *ws, const adj_formats *f, const zc_codebook *cb, const zc_kept_set *k, json_t *report,
			  json_t *texts)
{
	json_t *coders = json_object_get(report, "coders"), *d;
	lxw_row_t r = 1;
	size_t i;
	json_array_foreach(json_object_get(report, "disagreements"), i, d) {
		const char *entry = json_string_value(json_object_get(d, "entry"));
		lxw_col_t col = 0;
		worksheet_write_string(ws, r, col++, entry, NULL);
		worksheet_write_string(ws, r, col++, json_string_value(json_object_get(texts, entry)), f->wrap);
		for (size_t ci = 0; ci < cb->ncats; ci++) {
			col = adj_cells(ws, f, r, col, k, entry, coders, &cb->cats[ci], 0);
			if (cb->cats[ci].relation)
				col = adj_cells(ws, f, r, col, k, entry, coders, &cb->cats[ci], 1);
		}
		r++;
	}
	return r;
}

int zc_adjudication_sheet(zc_index *idx, const zc_codebook *cb, json_t *report, const char *path)
{
	round_data rd;
	int rc = round_load(idx, (unsigned)json_integer_value(json_object_get(report, "round")), &rd);
	json_t *texts = json_object();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(report, "disagreements"), i, d)
		json_object_set_new(texts, json_string_value(json_object_get(d, "entry")), json_string(""));
	if (rc == ZC_OK)
		rc = zc_index_read(idx, text_txn, texts);
	lxw_workbook *wb = rc == ZC_OK ? workbook_new(path) : NULL;
	if (rc == ZC_OK && !wb)
		rc = zc_write_error(errno);
	if (rc == ZC_OK) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, "coding");
		adj_formats f = adj_formats_new(wb);
		lxw_col_t col = adj_header(ws, &f, cb, json_object_get(report, "coders"));
		lxw_row_t r = adj_rows(ws, &f, cb, &rd.k, report, texts);
		worksheet_freeze_panes(ws, 1, 1);
		worksheet_autofilter(ws, 0, 0, r > 1 ? r - 1 : 1, col);
		if (workbook_close(wb) != LXW_NO_ERROR)
			rc = zc_write_error(errno);
	}
	round_free(&rd);
	json_decref(texts);
	return rc;
}
