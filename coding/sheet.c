/*
 * sheet.c - coders' sheets (coding.h): one row an entry, one column a category, drop-down lists
 * where a category's list is closed; XLSX (libxlsxwriter) or CSV.  Blind: a sheet holds no
 * coder's values, so no coder sees another's.
 */
#include "coding.h"
#include "export.h"
#include "../common/zc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

typedef struct row {
	char *entry, *province, *title, *text, *url;
	int year;
	unsigned char rank[32];	/* the sample's order: SHA-256 of seed and entry code */
	size_t order;		/* the index's order */
} row;

typedef struct rows {
	row *v;
	size_t n, cap;
	unsigned long seed;
} rows;

static int add_row(const zc_entry *entry, const zc_page *page, void *arg)
{
	rows *r = arg;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 512;
		r->v = zc_realloc(r->v, r->cap * sizeof *r->v);
	}
	row *w = &r->v[r->n];
	const char *j = zc_page_jurisdiction(page), *prov = zc_province_name(j);
	w->entry = zc_strdup(entry->code);
	w->province = zc_strdup(prov ? prov : j);
	w->title = zc_text_visible(page->doc.title, 0);
	w->text = zc_text_visible(entry->text, 1);
	w->url = zc_strdup(page->url);
	w->year = zc_year_of(zc_page_date(page));
	char *k = zc_asprintf("%lu:%s", r->seed, w->entry);
	char hex[65];
	zc_text_sha256(k, strlen(k), hex);
	memcpy(w->rank, hex, 32);
	free(k);
	w->order = r->n++;
	return 0;
}

static int by_rank(const void *a, const void *b)
{
	const row *x = a, *y = b;
	int c = memcmp(x->rank, y->rank, sizeof x->rank);
	return c ? c : strcmp(x->entry, y->entry);
}

static int by_order(const void *a, const void *b)
{
	const row *x = a, *y = b;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void rows_free(rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].entry);
		free(r->v[i].province);
		free(r->v[i].title);
		free(r->v[i].text);
		free(r->v[i].url);
	}
	free(r->v);
}

int zc_sheet_rows(zc_index *idx, const zc_query *q, long sample, unsigned long seed, zc_sheet_rows_fn fn, void *arg)
{
	rows r = {NULL, 0, 0, seed};
	zc_query all = {0};
	int rc = zc_index_entries(idx, q ? q : &all, add_row, &r);
	if (rc == ZC_OK && sample > 0 && (size_t)sample < r.n) {
		/* the same entries for every coder: the smallest hashes of seed and code, whatever
		   order or coder; then back in the corpus's order */
		qsort(r.v, r.n, sizeof *r.v, by_rank);
		for (size_t i = (size_t)sample; i < r.n; i++) {
			row *w = &r.v[i];
			free(w->entry);
			free(w->province);
			free(w->title);
			free(w->text);
			free(w->url);
		}
		r.n = (size_t)sample;
		qsort(r.v, r.n, sizeof *r.v, by_order);
	}
	for (size_t i = 0; rc == ZC_OK && i < r.n; i++) {
		zc_sheet_row sr = {r.v[i].entry, r.v[i].province, r.v[i].year, r.v[i].title, r.v[i].text, r.v[i].url};
		rc = fn(&sr, arg);
	}
	rows_free(&r);
	return rc;
}

/* ---- the columns ---- */

static const char *const FIXED[] = {"entry", "province", "year", "title", "text", "url"};
#define NFIXED 6

char *zc_sheet_relation_header(const zc_category *c)
{
	return zc_asprintf("%s (%s A->B)", c->relation, c->name);
}

/* ---- XLSX ---- */

#define CELL_MAX 32767

typedef struct xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *wrap, *bold, *head;
	const zc_codebook *cb;
	lxw_row_t row;
	lxw_col_t ncols;
	int err;
} xlsx;

static void put(xlsx *x, lxw_col_t col, const char *s, lxw_format *f)
{
	if (strlen(s) > CELL_MAX / 3 * 3) {
		/* never for an entry; a cell holds at most 32,767 characters */
		char *cut = zc_strndup(s, CELL_MAX / 3);
		if (worksheet_write_string(x->ws, x->row, col, cut, f) != LXW_NO_ERROR)
			x->err = 1;
		free(cut);
		return;
	}
	if (worksheet_write_string(x->ws, x->row, col, s, f) != LXW_NO_ERROR)
		x->err = 1;
}

static int xlsx_row(const zc_sheet_row *r, void *arg)
{
	xlsx *x = arg;
	put(x, 0, r->entry, NULL);
	put(x, 1, r->province, NULL);
	if (r->year)
		worksheet_write_number(x->ws, x->row, 2, r->year, NULL);
	put(x, 3, r->title, x->wrap);
	put(x, 4, r->text, x->wrap);
	put(x, 5, r->url, NULL);
	x->row++;
	return x->err ? ZC_EIO : ZC_OK;
}

/* the "lists" sheet: column k the codes of the k-th category with a closed list; and the
   column letters of each, for the drop-downs */
static void lists_sheet(xlsx *x, int *listcol)
{
	lxw_worksheet *ls = workbook_add_worksheet(x->wb, "lists");
	lxw_col_t col = 0;
	for (size_t i = 0; i < x->cb->ncats; i++) {
		const zc_category *c = &x->cb->cats[i];
		listcol[i] = -1;
		if (!c->ncodes)
			continue;
		worksheet_write_string(ls, 0, col, c->name, x->bold);
		for (size_t k = 0; k < c->ncodes; k++)
			worksheet_write_string(ls, (lxw_row_t)(k + 1), col, c->codes[k].code, NULL);
		worksheet_set_column(ls, col, col, 18, NULL);
		listcol[i] = (int)col++;
	}
	worksheet_hide(ls);
}

static void codebook_sheet(xlsx *x, const char *coder)
{
	lxw_worksheet *s = workbook_add_worksheet(x->wb, "codebook");
	static const char *const head[] = {"category", "id", "code", "description", "keywords", "rules"};
	for (lxw_col_t c = 0; c < 6; c++)
		worksheet_write_string(s, 0, c, head[c], x->head);
	worksheet_set_column(s, 0, 0, 14, NULL);
	worksheet_set_column(s, 1, 1, 12, NULL);
	worksheet_set_column(s, 2, 2, 20, NULL);
	worksheet_set_column(s, 3, 3, 60, x->wrap);
	worksheet_set_column(s, 4, 4, 30, x->wrap);
	worksheet_set_column(s, 5, 5, 40, x->wrap);
	worksheet_freeze_panes(s, 1, 0);
	lxw_row_t r = 1;
	for (size_t i = 0; i < x->cb->ncats; i++) {
		const zc_category *c = &x->cb->cats[i];
		char *rules = zc_asprintf("%s; %s%s%s", c->multiple ? "several codes, separated by ；" : "one code",
					  c->ncodes ? "choose from the list" : "free text", c->ncodes && c->open ? " or write another" : "",
					  c->relation ? "; relations in their own column as A->B, separated by ；" : "");
		worksheet_write_string(s, r, 0, c->name, x->bold);
		worksheet_write_string(s, r, 1, c->id, NULL);
		zc_buf ex;
		zc_buf_init(&ex, ZC_BUF_UNLIMITED);
		zc_buf_cats(&ex, c->description);
		for (size_t k = 0; k < c->nexamples; k++)
			zc_buf_catf(&ex, "\n例: %s", c->examples[k]);
		if (c->relation)
			zc_buf_catf(&ex, "\n%s: %s", c->relation, c->relation_description);
		worksheet_write_string(s, r, 3, ex.data ? ex.data : "", x->wrap);
		zc_buf_free(&ex);
		worksheet_write_string(s, r, 5, rules, x->wrap);
		free(rules);
		r++;
		for (size_t k = 0; k < c->ncodes; k++, r++) {
			worksheet_write_string(s, r, 0, c->name, NULL);
			worksheet_write_string(s, r, 1, c->id, NULL);
			worksheet_write_string(s, r, 2, c->codes[k].code, NULL);
			worksheet_write_string(s, r, 3, c->codes[k].description, x->wrap);
			zc_buf kw;
			zc_buf_init(&kw, ZC_BUF_UNLIMITED);
			zc_buf_cats(&kw, "");
			for (size_t w = 0; w < c->codes[k].nkeywords; w++)
				zc_buf_catf(&kw, "%s%s", w ? "、" : "", c->codes[k].keywords[w]);
			worksheet_write_string(s, r, 4, kw.data, x->wrap);
			zc_buf_free(&kw);
		}
	}
	r++;
	char *about = zc_asprintf("codebook %s (sha256 %s); sheet for coder %s", x->cb->name, x->cb->sha256, coder);
	worksheet_write_string(s, r, 0, about, NULL);
	free(about);
}

/* the workbook's properties: title, subject (the coder), author, the codebook in comments */
static void sheet_properties(xlsx *x, const zc_sheet_opts *o)
{
	lxw_doc_properties props = {0};
	char *subject = zc_asprintf("coding sheet for %s", o->coder);
	char *comments = zc_asprintf("codebook %s sha256 %s; zhengce %s", o->cb->name, o->cb->sha256, ZC_VERSION);
	char *author = zc_strdup(o->coder);
	props.title = "zhengce coding sheet";
	props.subject = subject;
	props.author = author;
	props.comments = comments;
	workbook_set_properties(x->wb, &props);
	free(subject);
	free(comments);
	free(author);
}

static void sheet_formats(xlsx *x)
{
	x->wrap = workbook_add_format(x->wb);
	format_set_text_wrap(x->wrap);
	format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	x->head = workbook_add_format(x->wb);
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xDDEBF7);
	format_set_text_wrap(x->head);
}

/* the header: fixed columns, then a category each (and its relations), then note; catcol[i]
   the i-th category's column */
static void sheet_header(xlsx *x, lxw_col_t *catcol)
{
	lxw_format *entry_col = workbook_add_format(x->wb);
	format_set_align(entry_col, LXW_ALIGN_VERTICAL_TOP);
	for (lxw_col_t c = 0; c < NFIXED; c++)
		worksheet_write_string(x->ws, 0, c, FIXED[c], x->head);
	static const double widths[NFIXED] = {13, 8, 6, 30, 60, 20};
	for (lxw_col_t c = 0; c < NFIXED; c++)
		worksheet_set_column(x->ws, c, c, widths[c], c == 3 || c == 4 ? x->wrap : entry_col);
	lxw_col_t col = NFIXED;
	for (size_t i = 0; i < x->cb->ncats; i++) {
		const zc_category *c = &x->cb->cats[i];
		catcol[i] = col;
		worksheet_write_string(x->ws, 0, col, c->name, x->head);
		worksheet_set_column(x->ws, col, col, 22, x->wrap);
		col++;
		if (c->relation) {
			char *h = zc_sheet_relation_header(c);
			worksheet_write_string(x->ws, 0, col, h, x->head);
			worksheet_set_column(x->ws, col, col, 26, x->wrap);
			free(h);
			col++;
		}
	}
	worksheet_write_string(x->ws, 0, col, "note", x->head);
	worksheet_set_column(x->ws, col, col, 24, x->wrap);
	x->ncols = col + 1;
}

/* a drop-down of category c's codes (column lc of the sheet "lists") on its column col, rows 1
   to last: a warning where several codes or codes outside the list are allowed, else a stop */
static int sheet_validation(xlsx *x, const zc_category *c, int lc, lxw_col_t col, lxw_row_t last)
{
	char letter[8];
	if (lc < 26)
		snprintf(letter, sizeof letter, "%c", 'A' + lc);
	else
		snprintf(letter, sizeof letter, "%c%c", 'A' + lc / 26 - 1, 'A' + lc % 26);
	char *formula = zc_asprintf("=lists!$%s$2:$%s$%zu", letter, letter, c->ncodes + 1);
	char *msg = zc_asprintf(c->multiple ? "one of the list, or several separated by ；%s" : "one of the list%s",
				c->open ? "; another code may be written (open list)" : "");
	lxw_data_validation dv = {0};
	dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
	dv.value_formula = formula;
	dv.input_title = c->name;
	dv.input_message = msg;
	dv.error_title = c->name;
	dv.error_message = c->multiple || c->open ? "not a code of the list: keep it only when it is several codes or "
						     "a code outside the list of an open category"
						   : "not a code of the list (the list is closed)";
	dv.error_type = !c->multiple && !c->open ? LXW_VALIDATION_ERROR_TYPE_STOP : LXW_VALIDATION_ERROR_TYPE_WARNING;
	int rc = worksheet_data_validation_range(x->ws, 1, col, last, col, &dv) != LXW_NO_ERROR ? ZC_EIO : ZC_OK;
	free(formula);
	free(msg);
	return rc;
}

static int write_xlsx(zc_index *idx, const zc_sheet_opts *o, const char *path, long *nrows)
{
	xlsx x = {0};
	x.cb = o->cb;
	lxw_workbook_options wo = {.constant_memory = 0, .tmpdir = NULL};
	x.wb = workbook_new_opt(path, &wo);
	if (!x.wb)
		return zc_write_error(errno);
	sheet_properties(&x, o);
	x.ws = workbook_add_worksheet(x.wb, "coding");
	sheet_formats(&x);
	lxw_col_t *catcol = zc_calloc(o->cb->ncats, sizeof *catcol);
	sheet_header(&x, catcol);
	x.row = 1;
	int rc = zc_sheet_rows(idx, o->q, o->sample, o->seed, xlsx_row, &x);
	lxw_row_t last = x.row > 1 ? x.row - 1 : 1;
	worksheet_freeze_panes(x.ws, 1, 1);
	worksheet_autofilter(x.ws, 0, 0, last, x.ncols - 1);
	int *listcol = zc_calloc(o->cb->ncats, sizeof *listcol);
	lists_sheet(&x, listcol);
	for (size_t i = 0; i < o->cb->ncats; i++)
		if (o->cb->cats[i].ncodes && sheet_validation(&x, &o->cb->cats[i], listcol[i], catcol[i], last) != ZC_OK)
			rc = rc == ZC_OK ? ZC_EIO : rc;
	codebook_sheet(&x, o->coder);
	worksheet_activate(x.ws);
	if (workbook_close(x.wb) != LXW_NO_ERROR && rc == ZC_OK)
		rc = zc_write_error(errno);
	free(catcol);
	free(listcol);
	if (nrows)
		*nrows = (long)x.row - 1;
	return rc;
}

/* ---- CSV ---- */

typedef struct csv {
	FILE *f;
	const zc_codebook *cb;
	long n;
} csv;

static void cell(FILE *f, const char *s, int last)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_csv_cell(&b, s);
	if (b.len)
		fwrite(b.data, 1, b.len, f);
	zc_buf_free(&b);
	fputs(last ? "\r\n" : ",", f);
}

static int csv_row(const zc_sheet_row *r, void *arg)
{
	csv *c = arg;
	char year[16] = "";
	if (r->year)
		snprintf(year, sizeof year, "%d", r->year);
	cell(c->f, r->entry, 0);
	cell(c->f, r->province, 0);
	cell(c->f, year, 0);
	cell(c->f, r->title, 0);
	cell(c->f, r->text, 0);
	cell(c->f, r->url, 0);
	for (size_t i = 0; i < c->cb->ncats; i++) {
		cell(c->f, "", 0);
		if (c->cb->cats[i].relation)
			cell(c->f, "", 0);
	}
	cell(c->f, "", 1);
	c->n++;
	return ferror(c->f) ? zc_write_error(errno) : ZC_OK;
}

static int write_csv(zc_index *idx, const zc_sheet_opts *o, FILE *out, long *nrows)
{
	csv c = {out, o->cb, 0};
	fputs("\xef\xbb\xbf", out);
	for (size_t i = 0; i < NFIXED; i++)
		cell(out, FIXED[i], 0);
	for (size_t i = 0; i < o->cb->ncats; i++) {
		cell(out, o->cb->cats[i].name, 0);
		if (o->cb->cats[i].relation) {
			char *h = zc_sheet_relation_header(&o->cb->cats[i]);
			cell(out, h, 0);
			free(h);
		}
	}
	cell(out, "note", 1);
	int rc = zc_sheet_rows(idx, o->q, o->sample, o->seed, csv_row, &c);
	if (nrows)
		*nrows = c.n;
	return rc;
}

int zc_sheet_write(zc_index *idx, const zc_sheet_opts *o, const char *path, FILE *out, long *nrows)
{
	if (zc_coder_name_check(o->coder) != ZC_OK)
		return ZC_EUSAGE;
	return o->xlsx ? write_xlsx(idx, o, path, nrows) : write_csv(idx, o, out, nrows);
}
