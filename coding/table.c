/*
 * table.c - a coder's sheet read back as a table of text cells: CSV (RFC 4180), or the sheet
 * of an XLSX workbook (libzip for the archive, libxml2 for its XML: SpreadsheetML's shared
 * strings, inline strings and numbers).
 */
#include "internal.h"
#include "coding.h"
#include "../common/zc.h"

#include <iconv.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#define MEMBER_MAX ((size_t)256 << 20)	/* uncompressed bytes of one XML member */
#define COLS_MAX 16384			/* Excel's columns */
#define ROWS_MAX 1048576		/* Excel's rows */

const char *zc_cells_cell(const zc_cells *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncells[row] || !t->rows[row][col])
		return "";
	return t->rows[row][col];
}

void zc_cells_free(zc_cells **pt)
{
	zc_cells *t = *pt;
	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncells[r]; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	free(t->ncells);
	free(t);
	*pt = NULL;
}

static void table_set(zc_cells *t, size_t row, size_t col, char *s)
{
	while (t->nrows <= row) {
		if (!(t->nrows & (t->nrows - 1)) || !t->nrows) {
			size_t cap = t->nrows ? 2 * t->nrows : 1;
			t->rows = zc_realloc(t->rows, cap * sizeof *t->rows);
			t->ncells = zc_realloc(t->ncells, cap * sizeof *t->ncells);
		}
		t->rows[t->nrows] = NULL;
		t->ncells[t->nrows++] = 0;
	}
	if (col >= t->ncells[row]) {
		t->rows[row] = zc_realloc(t->rows[row], (col + 1) * sizeof **t->rows);
		for (size_t c = t->ncells[row]; c <= col; c++)
			t->rows[row][c] = NULL;
		t->ncells[row] = col + 1;
	}
	free(t->rows[row][col]);
	t->rows[row][col] = s;
}

/* ---- CSV ---- */

static char *gb18030_to_utf8(const char *s, size_t n)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = 4 * n + 4, left = cap - 1, in = n;
	char *out = zc_malloc(cap), *o = out, *i = (char *)s;
	size_t r = iconv(cd, &i, &in, &o, &left);
	iconv_close(cd);
	if (r == (size_t)-1) {
		free(out);
		return NULL;
	}
	*o = '\0';
	return out;
}

/* the CSV's text as UTF-8 without a BOM: *data and *len moved, *conv the converted copy to free
   (GB18030); ZC_EPARSE with *err when it is neither, or holds a NUL */
static int csv_text(const char **data, size_t *len, char **conv, char **err)
{
	*conv = NULL;
	if (*len >= 3 && !memcmp(*data, "\xef\xbb\xbf", 3)) {
		*data += 3;
		*len -= 3;
	}
	if (!zc_utf8_valid(*data, *len)) {
		*conv = gb18030_to_utf8(*data, *len);
		if (!*conv || !zc_utf8_valid(*conv, strlen(*conv))) {
			*err = zc_strdup("neither UTF-8 nor GB18030 text: not a CSV sheet");
			return ZC_EPARSE;
		}
		*data = *conv;
		*len = strlen(*conv);
	}
	if (memchr(*data, '\0', *len)) {
		*err = zc_strdup("holds a NUL byte: not a CSV sheet");
		return ZC_EPARSE;
	}
	return ZC_OK;
}

/* the CSV reader's place */
typedef struct csv_state {
	const char *data;
	size_t len, i;		/* the text and the place in it */
	size_t row, col;
	zc_buf cell;		/* the cell being read */
	int any;		/* the cell has begun (a quote or a character) */
	zc_cells *t;
} csv_state;

/* a quoted cell from its opening quote at s->i: "" is a quote, up to the closing quote, which a
   separator or the end must follow */
static int csv_quoted(csv_state *s, char **err)
{
	size_t j = s->i + 1;
	for (;;) {
		if (j >= s->len) {
			*err = zc_asprintf("line %zu: a quoted cell is never closed", s->row + 1);
			return ZC_EPARSE;
		}
		if (s->data[j] == '"') {
			if (j + 1 < s->len && s->data[j + 1] == '"') {
				zc_buf_catc(&s->cell, '"');
				j += 2;
				continue;
			}
			j++;
			break;
		}
		zc_buf_catc(&s->cell, s->data[j++]);
	}
	s->i = j;
	s->any = 1;
	if (s->i < s->len && s->data[s->i] != ',' && s->data[s->i] != '\r' && s->data[s->i] != '\n') {
		*err = zc_asprintf("line %zu: text after a quoted cell's closing quote", s->row + 1);
		return ZC_EPARSE;
	}
	return ZC_OK;
}

/* the separator at s->i (a comma, or a line break: CR LF is one) ends the cell */
static int csv_separator(csv_state *s, char **err)
{
	char ch = s->data[s->i];
	table_set(s->t, s->row, s->col, zc_strdup(s->cell.data ? s->cell.data : ""));
	zc_buf_reset(&s->cell);
	s->any = 0;
	if (ch == ',') {
		if (++s->col >= COLS_MAX) {
			*err = zc_asprintf("line %zu: more than %d columns", s->row + 1, COLS_MAX);
			return ZC_EPARSE;
		}
	} else {
		if (ch == '\r' && s->i + 1 < s->len && s->data[s->i + 1] == '\n')
			s->i++;
		s->col = 0;
		if (++s->row >= ROWS_MAX) {
			*err = zc_asprintf("more than %d lines", ROWS_MAX);
			return ZC_EPARSE;
		}
	}
	s->i++;
	return ZC_OK;
}

int zc_cells_csv(const char *data, size_t len, zc_cells **out, char **err)
{
	char *conv;
	*out = NULL;
	*err = NULL;
	int rc = csv_text(&data, &len, &conv, err);
	if (rc != ZC_OK) {
		free(conv);
		return rc;
	}
	csv_state s = {data, len, 0, 0, 0, {0}, 0, zc_calloc(1, sizeof(zc_cells))};
	zc_buf_init(&s.cell, ZC_BUF_UNLIMITED);
	while (rc == ZC_OK && s.i < s.len) {
		char ch = s.data[s.i];
		if (ch == '"' && s.cell.len == 0) {
			rc = csv_quoted(&s, err);
		} else if (ch == ',' || ch == '\n' || ch == '\r') {
			rc = csv_separator(&s, err);
		} else {
			zc_buf_catc(&s.cell, ch);
			s.any = 1;
			s.i++;
		}
	}
	if (rc == ZC_OK && (s.any || s.col > 0))
		table_set(s.t, s.row, s.col, zc_strdup(s.cell.data ? s.cell.data : ""));
	zc_buf_free(&s.cell);
	free(conv);
	if (rc != ZC_OK) {
		zc_cells_free(&s.t);
		return rc;
	}
	*out = s.t;
	return ZC_OK;
}

/* ---- zip and XML ---- */

int zc_zip_member(zip_t *z, const char *name, size_t max, char **out, size_t *len)
{
	zip_stat_t st;
	*out = NULL;
	*len = 0;
	zip_stat_init(&st);
	if (zip_stat(z, name, 0, &st) != 0)
		return ZC_ENOTFOUND;
	if (!(st.valid & ZIP_STAT_SIZE) || st.size > max)
		return ZC_ETOOBIG;
	zip_file_t *f = zip_fopen(z, name, 0);
	if (!f)
		return ZC_EPARSE;
	char *buf = zc_malloc((size_t)st.size + 1);
	zip_int64_t got = 0;
	while ((zip_uint64_t)got < st.size) {
		zip_int64_t n = zip_fread(f, buf + got, st.size - (zip_uint64_t)got);
		if (n <= 0)
			break;
		got += n;
	}
	zip_fclose(f);
	if ((zip_uint64_t)got != st.size) {
		free(buf);
		return ZC_EPARSE;
	}
	buf[got] = '\0';
	*out = buf;
	*len = (size_t)got;
	return ZC_OK;
}

xmlDocPtr zc_xml_read(const char *data, size_t len)
{
	if (len > (size_t)0x7fffffff)
		return NULL;
	xmlDocPtr d = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	/* SpreadsheetML and REFI-QDA have no DTD: one here could only declare entities to blow up */
	if (d && (d->intSubset || d->extSubset || !xmlDocGetRootElement(d))) {
		xmlFreeDoc(d);
		return NULL;
	}
	return d;
}

static int named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

xmlNodePtr zc_xml_child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

char *zc_xml_attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n ? n->properties : NULL; a; a = a->next)
		if (!strcmp((const char *)a->name, name)) {
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
			char *s = zc_strdup(v ? (const char *)v : "");
			xmlFree(v);
			return s;
		}
	return NULL;
}

/* the text of a string item (<si> or <is>): its <t>, or its runs' <t>s, without phonetic runs */
static void string_item(xmlNodePtr si, zc_buf *b)
{
	for (xmlNodePtr c = si->children; c; c = c->next) {
		if (named(c, "t")) {
			xmlChar *v = xmlNodeGetContent(c);
			zc_buf_cats(b, v ? (const char *)v : "");
			xmlFree(v);
		} else if (named(c, "r")) {
			string_item(c, b);
		}
	}
}

/* "BC12" -> column 54 (0-based); -1 when not a reference */
static long ref_col(const char *r)
{
	long col = 0;
	const char *p = r;
	while (*p >= 'A' && *p <= 'Z') {
		col = col * 26 + (*p - 'A' + 1);
		if (col > COLS_MAX)
			return -1;
		p++;
	}
	if (p == r)
		return -1;
	return col - 1;
}

/* a workbook being read: its parts, read and parsed, freed together */
typedef struct xlsx {
	zip_t *z;
	char *wbx, *relx, *ssx, *shx;	/* the parts' bytes */
	xmlDocPtr wb, rel, ss, sh;
	char *rid, *target;		/* the sheet's relation id and part */
	char **shared;			/* shared strings */
	size_t nshared;
} xlsx;

static void xlsx_free(xlsx *x)
{
	for (size_t i = 0; i < x->nshared; i++)
		free(x->shared[i]);
	free(x->shared);
	xmlFreeDoc(x->wb);
	xmlFreeDoc(x->rel);
	xmlFreeDoc(x->ss);
	xmlFreeDoc(x->sh);
	free(x->wbx);
	free(x->relx);
	free(x->ssx);
	free(x->shx);
	free(x->target);
	free(x->rid);
	zip_discard(x->z);
}

/* the relation id of the sheet named sheet, else of the first */
static int xlsx_sheet_id(xlsx *x, const char *sheet, char **err)
{
	size_t n;
	if (zc_zip_member(x->z, "xl/workbook.xml", MEMBER_MAX, &x->wbx, &n) != ZC_OK || !(x->wb = zc_xml_read(x->wbx, n))) {
		*err = zc_strdup("no xl/workbook.xml: not an XLSX workbook");
		return ZC_EPARSE;
	}
	xmlNodePtr sheets = zc_xml_child(xmlDocGetRootElement(x->wb), "sheets");
	for (xmlNodePtr s = sheets ? sheets->children : NULL; s; s = s->next) {
		if (!named(s, "sheet"))
			continue;
		char *name = zc_xml_attr(s, "name");
		int match = name && sheet && !strcmp(name, sheet);
		if (!x->rid || match) {
			free(x->rid);
			x->rid = zc_xml_attr(s, "id");
		}
		free(name);
		if (match)
			break;
	}
	if (!x->rid) {
		*err = zc_strdup("the workbook has no sheet");
		return ZC_EPARSE;
	}
	return ZC_OK;
}

/* the sheet's part, from the workbook's relations */
static int xlsx_sheet_part(xlsx *x, char **err)
{
	size_t n;
	if (zc_zip_member(x->z, "xl/_rels/workbook.xml.rels", MEMBER_MAX, &x->relx, &n) == ZC_OK && (x->rel = zc_xml_read(x->relx, n))) {
		for (xmlNodePtr r = xmlDocGetRootElement(x->rel)->children; r; r = r->next) {
			char *id = named(r, "Relationship") ? zc_xml_attr(r, "Id") : NULL;
			if (id && !strcmp(id, x->rid)) {
				char *tg = zc_xml_attr(r, "Target");
				if (tg) {
					free(x->target);
					x->target = tg[0] == '/' ? zc_strdup(tg + 1) : zc_asprintf("xl/%s", tg);
				}
				free(tg);
			}
			free(id);
		}
	}
	if (!x->target) {
		*err = zc_strdup("the workbook's sheet has no part (xl/_rels/workbook.xml.rels)");
		return ZC_EPARSE;
	}
	return ZC_OK;
}

/* the shared strings (absent when every string is inline) */
static void xlsx_shared(xlsx *x)
{
	size_t n, cap = 0;
	if (zc_zip_member(x->z, "xl/sharedStrings.xml", MEMBER_MAX, &x->ssx, &n) != ZC_OK || !(x->ss = zc_xml_read(x->ssx, n)))
		return;
	for (xmlNodePtr si = xmlDocGetRootElement(x->ss)->children; si; si = si->next) {
		if (!named(si, "si"))
			continue;
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		zc_buf_cats(&b, "");
		string_item(si, &b);
		if (x->nshared == cap) {
			cap = cap ? 2 * cap : 256;
			x->shared = zc_realloc(x->shared, cap * sizeof *x->shared);
		}
		x->shared[x->nshared++] = zc_buf_take(&b);
	}
}

/* a cell's text (new string): inline, shared, an error value (no code: ""), else its value */
static char *xlsx_value(const xlsx *x, xmlNodePtr c, const char *type)
{
	if (type && !strcmp(type, "inlineStr")) {
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		zc_buf_cats(&b, "");
		xmlNodePtr is = zc_xml_child(c, "is");
		if (is)
			string_item(is, &b);
		return zc_buf_take(&b);
	}
	xmlNodePtr v = zc_xml_child(c, "v");
	xmlChar *xv = v ? xmlNodeGetContent(v) : NULL;
	char *val;
	long k;
	if (type && !strcmp(type, "s"))
		val = zc_strdup(xv && zc_parse_long((const char *)xv, 0, (long)x->nshared - 1, &k) == ZC_OK ? x->shared[k] : "");
	else if (type && !strcmp(type, "e"))
		val = zc_strdup("");	/* an error value (#N/A) is no code */
	else
		val = zc_strdup(xv ? (const char *)xv : "");
	xmlFree(xv);
	return val;
}

/* a row's cells into t: a cell's column its reference's, else the one after the last */
static int xlsx_row(const xlsx *x, xmlNodePtr r, long rownum, zc_cells *t, char **err)
{
	long col = -1;
	for (xmlNodePtr c = r->children; c; c = c->next) {
		if (!named(c, "c"))
			continue;
		char *ref = zc_xml_attr(c, "r"), *type = zc_xml_attr(c, "t");
		long rc_ = ref ? ref_col(ref) : -1;
		col = rc_ >= 0 ? rc_ : col + 1;
		free(ref);
		if (col >= COLS_MAX) {
			free(type);
			*err = zc_asprintf("row %ld: more than %d columns", rownum, COLS_MAX);
			return ZC_EPARSE;
		}
		table_set(t, (size_t)(rownum - 1), (size_t)col, xlsx_value(x, c, type));
		free(type);
	}
	return ZC_OK;
}

/* the sheet's rows into t: a row's number its r, else the one after the last */
static int xlsx_rows(xlsx *x, zc_cells *t, char **err)
{
	size_t n;
	if (zc_zip_member(x->z, x->target, MEMBER_MAX, &x->shx, &n) != ZC_OK || !(x->sh = zc_xml_read(x->shx, n))) {
		*err = zc_asprintf("cannot read the sheet's part %s", x->target);
		return ZC_EPARSE;
	}
	xmlNodePtr data = zc_xml_child(xmlDocGetRootElement(x->sh), "sheetData");
	long rownum = 0;
	for (xmlNodePtr r = data ? data->children : NULL; r; r = r->next) {
		if (!named(r, "row"))
			continue;
		char *rr = zc_xml_attr(r, "r");
		long rv;
		if (rr && zc_parse_long(rr, 1, ROWS_MAX, &rv) == ZC_OK && rv > rownum)
			rownum = rv;
		else
			rownum++;
		free(rr);
		if (rownum > ROWS_MAX) {
			*err = zc_asprintf("more than %d rows", ROWS_MAX);
			return ZC_EPARSE;
		}
		if (xlsx_row(x, r, rownum, t, err) != ZC_OK)
			return ZC_EPARSE;
	}
	return ZC_OK;
}

int zc_cells_xlsx(const char *data, size_t len, const char *sheet, zc_cells **out, char **err)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	xlsx x;
	memset(&x, 0, sizeof x);
	x.z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	*out = NULL;
	*err = NULL;
	zip_error_fini(&ze);
	if (!x.z) {
		if (src)
			zip_source_free(src);
		*err = zc_strdup("not a zip archive: not an XLSX workbook");
		return ZC_EPARSE;
	}
	zc_cells *t = NULL;
	int rc = xlsx_sheet_id(&x, sheet, err);
	if (rc == ZC_OK)
		rc = xlsx_sheet_part(&x, err);
	if (rc == ZC_OK) {
		xlsx_shared(&x);
		t = zc_calloc(1, sizeof *t);
		rc = xlsx_rows(&x, t, err);
	}
	xlsx_free(&x);
	if (rc != ZC_OK) {
		zc_cells_free(&t);
		return rc;
	}
	*out = t;
	return ZC_OK;
}
