/*
 * analysis.c - the coded entries, the frequency tables in long form, and trace: the entries
 * behind a count.
 *
 * Entries are kept as given (a few thousand in a study); every table is one pass over them.
 * Groups and codes are counted in jansson objects keyed by their names, then sorted.
 */
#include "analysis.h"
#include "internal.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
	char *code;
	char jur[3];
	int year;
	zc_codes codes;		/* each category's distinct codes, and the relations whose ends are
				   codes of the entry */
} entry;

struct zc_analysis {
	entry *e;
	size_t n, cap;
	json_t *order;		/* categories in the order asked for */
	json_t *seen;		/* categories in the order met */
	json_t *names;		/* {id: name} */
};

zc_analysis *zc_analysis_new(void)
{
	zc_analysis *a = zc_calloc(1, sizeof *a);
	a->order = json_array();
	a->seen = json_array();
	a->names = json_object();
	return a;
}

void zc_analysis_free(zc_analysis **a)
{
	if (!*a)
		return;
	for (size_t i = 0; i < (*a)->n; i++) {
		free((*a)->e[i].code);
		zc_codes_clear(&(*a)->e[i].codes);
	}
	free((*a)->e);
	json_decref((*a)->order);
	json_decref((*a)->seen);
	json_decref((*a)->names);
	free(*a);
	*a = NULL;
}

static int has_string(json_t *arr, const char *s)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (!strcmp(json_string_value(json_array_get(arr, i)), s))
			return 1;
	return 0;
}

int zc_analysis_add(zc_analysis *a, const char *code, const char *jurisdiction, int year, const zc_codes *codes)
{
	if (!code || !jurisdiction || strlen(jurisdiction) != 2)
		return ZC_EPARSE;
	zc_codes mine = {NULL, 0};
	for (size_t k = 0; k < codes->ncats; k++) {
		const zc_catcodes *c = &codes->cats[k];
		zc_catcodes *m = zc_codes_cat(&mine, c->category);
		for (size_t i = 0; i < c->ncodes; i++)
			if (*c->codes[i] && !zc_catcodes_has(m, c->codes[i]))
				zc_codes_add(&mine, c->category, c->codes[i]);
		m = zc_codes_cat(&mine, c->category);
		if (m->ncodes && !has_string(a->seen, c->category))
			json_array_append_new(a->seen, json_string(c->category));
	}
	for (size_t k = 0; k < codes->ncats; k++) {
		const zc_catcodes *c = &codes->cats[k], *held = zc_codes_of(&mine, c->category);
		for (size_t i = 0; i < c->nrels; i++) {
			const char *s = c->rels[i].source, *t = c->rels[i].target;
			if (strcmp(s, t) && zc_catcodes_has(held, s) && zc_catcodes_has(held, t))
				zc_codes_relate(&mine, c->category, s, t);
		}
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		a->e = zc_realloc(a->e, a->cap * sizeof *a->e);
	}
	entry *e = &a->e[a->n++];
	e->code = zc_strdup(code);
	memcpy(e->jur, jurisdiction, 3);
	e->year = year;
	e->codes = mine;
	return ZC_OK;
}

size_t zc_analysis_count(const zc_analysis *a)
{
	return a->n;
}

void zc_analysis_order(zc_analysis *a, const char *const *categories, size_t n)
{
	json_array_clear(a->order);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a->order, json_string(categories[i]));
}

json_t *zc_analysis_categories(const zc_analysis *a)
{
	json_t *out = json_array();
	for (size_t i = 0; i < json_array_size(a->order); i++)
		if (has_string(a->seen, json_string_value(json_array_get(a->order, i))))
			json_array_append(out, json_array_get(a->order, i));
	for (size_t i = 0; i < json_array_size(a->seen); i++)
		if (!has_string(out, json_string_value(json_array_get(a->seen, i))))
			json_array_append(out, json_array_get(a->seen, i));
	return out;
}

void zc_analysis_category_name(zc_analysis *a, const char *id, const char *name)
{
	if (id && name)
		json_object_set_new(a->names, id, json_string(name));
}

const char *zc_analysis_category_label(const zc_analysis *a, const char *id)
{
	const char *n = json_string_value(json_object_get(a->names, id));
	return n ? n : id;
}

int zc_analysis_by_parse(const char *s, unsigned *by)
{
	*by = 0;
	if (!s || !*s || !strcmp(s, "none"))
		return ZC_OK;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 8 && !strncmp(p, "province", n))
			*by |= ZC_BY_PROVINCE;
		else if (n == 6 && !strncmp(p, "region", n))
			*by |= ZC_BY_REGION;
		else if (n == 4 && !strncmp(p, "year", n))
			*by |= ZC_BY_YEAR;
		else if (n == 4 && !strncmp(p, "code", n))
			*by |= ZC_BY_CODE;
		else
			return ZC_EUSAGE;
		p += n + (p[n] == ',');
	}
	return ZC_OK;
}

/* region of a jurisdiction: 0-3 (export.h), ZC_NREGIONS for national */
static int region_of(const char *jur)
{
	int r = zc_province_region(jur);
	return r < 0 ? ZC_NREGIONS : r;
}

static const char *region_name(int r)
{
	return r == ZC_NREGIONS ? "national" : zc_region_name(r);
}

static int jur_index(const char *jur)
{
	for (int i = 0; ZC_JURISDICTIONS[i]; i++)
		if (!strcmp(ZC_JURISDICTIONS[i], jur))
			return i;
	return 99;
}

/* a group's key, sortable as text: jurisdiction's place, region, year, each only when asked */
static void group_key(const entry *e, unsigned by, char out[32])
{
	snprintf(out, 32, "%02d|%d|%04d", by & ZC_BY_PROVINCE ? jur_index(e->jur) : 0,
		 by & ZC_BY_REGION ? region_of(e->jur) : 0, by & ZC_BY_YEAR ? e->year : 0);
}

typedef struct count {
	const char *code;
	long n;
} count;

static int count_cmp(const void *x, const void *y)
{
	const count *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->code, b->code);
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* the rows of one category */
static void category_rows(const zc_analysis *a, const char *cat, unsigned by, size_t top, json_t *rows)
{
	json_t *groups = json_object();	/* key -> {"": n, code: n, …} */
	for (size_t i = 0; i < a->n; i++) {
		const zc_catcodes *list = zc_codes_of(&a->e[i].codes, cat);
		if (!list || !list->ncodes)
			continue;
		char k[32];
		group_key(&a->e[i], by, k);
		json_t *g = json_object_get(groups, k);
		if (!g) {
			g = json_object();
			json_object_set_new(g, "\x01jur", json_string(a->e[i].jur));
			json_object_set_new(groups, k, g);
		}
		json_object_set_new(g, "", json_integer(json_integer_value(json_object_get(g, "")) + 1));
		for (size_t c = 0; c < list->ncodes; c++) {
			const char *code = list->codes[c];
			json_object_set_new(g, code, json_integer(json_integer_value(json_object_get(g, code)) + 1));
		}
	}
	size_t ng = json_object_size(groups), i = 0;
	const char **keys = zc_calloc(ng + 1, sizeof *keys);
	const char *k;
	json_t *g;
	json_object_foreach(groups, k, g)
		keys[i++] = k;
	qsort(keys, ng, sizeof *keys, str_cmp);
	for (i = 0; i < ng; i++) {
		g = json_object_get(groups, keys[i]);
		const char *jur = json_string_value(json_object_get(g, "\x01jur"));
		int year = (int)strtol(keys[i] + 5, NULL, 10);
		long total = (long)json_integer_value(json_object_get(g, ""));
		size_t nc = 0;
		count *cs = zc_calloc(json_object_size(g), sizeof *cs);
		const char *code;
		json_t *v;
		json_object_foreach(g, code, v)
			if (*code && *code != '\x01')
				cs[nc++] = (count){code, (long)json_integer_value(v)};
		qsort(cs, nc, sizeof *cs, count_cmp);
		for (size_t c = 0; c <= nc && (!top || c <= top); c++) {
			json_t *row = json_pack("{s:s,s:s}", "category", cat, "code", c ? cs[c - 1].code : "");
			if (by & ZC_BY_PROVINCE) {
				json_object_set_new(row, "jurisdiction", json_string(jur));
				json_object_set_new(row, "province", json_string(zc_province_name(jur) ? zc_province_name(jur) : jur));
			}
			if (by & ZC_BY_REGION)
				json_object_set_new(row, "region", json_string(region_name(region_of(jur))));
			if (by & ZC_BY_YEAR)
				json_object_set_new(row, "year", json_integer(year));
			long n = c ? cs[c - 1].n : total;
			json_object_set_new(row, "entries", json_integer(n));
			json_object_set_new(row, "share", json_real(total ? (double)n / (double)total : 0));
			json_array_append_new(rows, row);
		}
		free(cs);
	}
	free(keys);
	json_decref(groups);
}

json_t *zc_analysis_frequencies(const zc_analysis *a, const char *category, unsigned by, size_t top)
{
	json_t *rows = json_array(), *cats = zc_analysis_categories(a);
	for (size_t i = 0; i < json_array_size(cats); i++) {
		const char *cat = json_string_value(json_array_get(cats, i));
		if (!category || !strcmp(category, cat))
			category_rows(a, cat, by, top, rows);
	}
	json_decref(cats);
	return rows;
}


static void padded(FILE *f, const char *s, int w, int right)
{
	int pad = w - zc_text_width(s);
	for (int i = 0; right && i < pad; i++)
		fputc(' ', f);
	fputs(s, f);
	for (int i = 0; !right && i < pad; i++)
		fputc(' ', f);
}

int zc_rows_write(FILE *f, json_t *rows, const char *const *cols, size_t ncols, enum zc_format fmt)
{
	if (fmt == ZC_FMT_JSON || fmt == ZC_FMT_JSONL) {
		for (size_t i = 0; fmt == ZC_FMT_JSONL && i < json_array_size(rows); i++) {
			char *t = json_dumps(json_array_get(rows, i), JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
			fprintf(f, "%s\n", t);
			free(t);
		}
		if (fmt == ZC_FMT_JSON) {
			char *t = json_dumps(rows, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
			fprintf(f, "%s\n", t);
			free(t);
		}
		return ferror(f) ? ZC_EIO : ZC_OK;
	}
	int csv = fmt == ZC_FMT_CSV;
	int *w = zc_calloc(ncols, sizeof *w), *num = zc_calloc(ncols, sizeof *num);
	char cell[64];
	for (size_t c = 0; c < ncols; c++) {
		w[c] = zc_text_width(cols[c]);
		for (size_t r = 0; r < json_array_size(rows); r++) {
			json_t *v = json_object_get(json_array_get(rows, r), cols[c]);
			num[c] |= json_is_number(v);
			int cw = json_is_string(v) ? zc_text_width(json_string_value(v)) : 8;
			w[c] = cw > w[c] ? cw : w[c];
		}
	}
	if (csv)
		fputs("\xEF\xBB\xBF", f);
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			fputs(csv ? "," : "  ", f);
		padded(f, cols[c], csv ? 0 : w[c], num[c]);
	}
	fputs(csv ? "\r\n" : "\n", f);
	for (size_t r = 0; r < json_array_size(rows); r++) {
		json_t *row = json_array_get(rows, r);
		for (size_t c = 0; c < ncols; c++) {
			json_t *v = json_object_get(row, cols[c]);
			cell[0] = '\0';
			if (json_is_integer(v))
				snprintf(cell, sizeof cell, "%lld", (long long)json_integer_value(v));
			else if (json_is_real(v))
				snprintf(cell, sizeof cell, "%.4f", json_real_value(v));
			if (c)
				fputs(csv ? "," : "  ", f);
			if (csv && json_is_string(v)) {
				zc_buf b;
				zc_buf_init(&b, ZC_BUF_UNLIMITED);
				zc_csv_cell(&b, json_string_value(v));
				if (b.len)
					fwrite(b.data, 1, b.len, f);
				zc_buf_free(&b);
			} else {
				padded(f, json_is_string(v) ? json_string_value(v) : cell, csv ? 0 : w[c], num[c]);
			}
		}
		fputs(csv ? "\r\n" : "\n", f);
	}
	free(w);
	free(num);
	return ferror(f) ? ZC_EIO : ZC_OK;
}

int zc_analysis_rows_write(FILE *f, json_t *rows, unsigned by, enum zc_format fmt)
{
	const char *cols[8];
	size_t n = 0;
	cols[n++] = "category";
	cols[n++] = "code";
	if (by & ZC_BY_PROVINCE) {
		cols[n++] = "jurisdiction";
		cols[n++] = "province";
	}
	if (by & ZC_BY_REGION)
		cols[n++] = "region";
	if (by & ZC_BY_YEAR)
		cols[n++] = "year";
	cols[n++] = "entries";
	cols[n++] = "share";
	return zc_rows_write(f, rows, cols, n, fmt);
}

json_t *zc_analysis_trace(const zc_analysis *a, const char *category, const char *code, const char *code2,
			  const char *jurisdiction, int region, int year)
{
	json_t *out = json_array();
	for (size_t i = 0; i < a->n; i++) {
		const entry *e = &a->e[i];
		const zc_catcodes *list = zc_codes_of(&e->codes, category);
		if (!list || !list->ncodes || (code && !zc_catcodes_has(list, code)) || (code2 && !zc_catcodes_has(list, code2)))
			continue;
		if ((jurisdiction && strcmp(jurisdiction, e->jur)) || (region >= 0 && region_of(e->jur) != region) ||
		    (year && e->year != year))
			continue;
		json_array_append_new(out, json_string(e->code));
	}
	return out;
}

const zc_catcodes *zc_analysis_entry_codes(const zc_analysis *a, size_t i, const char *category)
{
	return zc_codes_of(&a->e[i].codes, category);
}
