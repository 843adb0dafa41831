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

int zc_cells_csv(const char *data, size_t len, zc_cells **out, char **err)
{
	char *conv = NULL;
	*out = NULL;
	*err = NULL;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3;
		len -= 3;
	}
	if (!zc_utf8_valid(data, len)) {
		conv = gb18030_to_utf8(data, len);
		if (!conv || !zc_utf8_valid(conv, strlen(conv))) {
			free(conv);
			*err = zc_strdup("neither UTF-8 nor GB18030 text: not a CSV sheet");
			return ZC_EPARSE;
		}
		data = conv;
		len = strlen(conv);
	}
	if (memchr(data, '\0', len)) {
		free(conv);
		*err = zc_strdup("holds a NUL byte: not a CSV sheet");
		return ZC_EPARSE;
	}
	zc_cells *t = zc_calloc(1, sizeof *t);
	size_t row = 0, col = 0, i = 0;
	zc_buf cell;
	zc_buf_init(&cell, ZC_BUF_UNLIMITED);
	int rc = ZC_OK, any = 0;
	while (i < len) {
		char ch = data[i];
		if (ch == '"' && cell.len == 0) {
			/* a quoted field: "" is a quote, up to the closing quote */
			size_t j = i + 1;
			for (;;) {
				if (j >= len) {
					*err = zc_asprintf("line %zu: a quoted cell is never closed", row + 1);
					rc = ZC_EPARSE;
					goto out;
				}
				if (data[j] == '"') {
					if (j + 1 < len && data[j + 1] == '"') {
						zc_buf_catc(&cell, '"');
						j += 2;
						continue;
					}
					j++;
					break;
				}
				zc_buf_catc(&cell, data[j++]);
			}
			i = j;
			any = 1;
			if (i < len && data[i] != ',' && data[i] != '\r' && data[i] != '\n') {
				*err = zc_asprintf("line %zu: text after a quoted cell's closing quote", row + 1);
				rc = ZC_EPARSE;
				goto out;
			}
			continue;
		}
		if (ch == ',' || ch == '\n' || ch == '\r') {
			table_set(t, row, col, zc_strdup(cell.data ? cell.data : ""));
			zc_buf_reset(&cell);
			any = 0;
			if (ch == ',') {
				if (++col >= COLS_MAX) {
					*err = zc_asprintf("line %zu: more than %d columns", row + 1, COLS_MAX);
					rc = ZC_EPARSE;
					goto out;
				}
			} else {
				if (ch == '\r' && i + 1 < len && data[i + 1] == '\n')
					i++;
				col = 0;
				if (++row >= ROWS_MAX) {
					*err = zc_asprintf("more than %d lines", ROWS_MAX);
					rc = ZC_EPARSE;
					goto out;
				}
			}
			i++;
			continue;
		}
		zc_buf_catc(&cell, ch);
		any = 1;
		i++;
	}
	if (any || col > 0)
		table_set(t, row, col, zc_strdup(cell.data ? cell.data : ""));
out:
	zc_buf_free(&cell);
	free(conv);
	if (rc != ZC_OK) {
		zc_cells_free(&t);
		return rc;
	}
	*out = t;
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

int zc_cells_xlsx(const char *data, size_t len, const char *sheet, zc_cells **out, char **err)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	char *wbx = NULL, *relx = NULL, *ssx = NULL, *shx = NULL, *target = NULL, *rid = NULL;
	size_t n;
	xmlDocPtr wb = NULL, rel = NULL, ss = NULL, sh = NULL;
	char **shared = NULL;
	size_t nshared = 0;
	zc_cells *t = NULL;
	int rc = ZC_EPARSE;
	*out = NULL;
	*err = NULL;
	zip_error_fini(&ze);
	if (!z) {
		if (src)
			zip_source_free(src);
		*err = zc_strdup("not a zip archive: not an XLSX workbook");
		return ZC_EPARSE;
	}
	if (zc_zip_member(z, "xl/workbook.xml", MEMBER_MAX, &wbx, &n) != ZC_OK || !(wb = zc_xml_read(wbx, n))) {
		*err = zc_strdup("no xl/workbook.xml: not an XLSX workbook");
		goto out;
	}
	/* the sheet: by name, else the first */
	xmlNodePtr sheets = zc_xml_child(xmlDocGetRootElement(wb), "sheets");
	for (xmlNodePtr s = sheets ? sheets->children : NULL; s; s = s->next) {
		if (!named(s, "sheet"))
			continue;
		char *name = zc_xml_attr(s, "name");
		int match = name && sheet && !strcmp(name, sheet);
		if (!rid || match) {
			free(rid);
			rid = zc_xml_attr(s, "id");
		}
		free(name);
		if (match)
			break;
	}
	if (!rid) {
		*err = zc_strdup("the workbook has no sheet");
		goto out;
	}
	if (zc_zip_member(z, "xl/_rels/workbook.xml.rels", MEMBER_MAX, &relx, &n) == ZC_OK && (rel = zc_xml_read(relx, n))) {
		for (xmlNodePtr r = xmlDocGetRootElement(rel)->children; r; r = r->next) {
			char *id = named(r, "Relationship") ? zc_xml_attr(r, "Id") : NULL;
			if (id && !strcmp(id, rid)) {
				char *tg = zc_xml_attr(r, "Target");
				if (tg)
					target = tg[0] == '/' ? zc_strdup(tg + 1) : zc_asprintf("xl/%s", tg);
				free(tg);
			}
			free(id);
		}
	}
	if (!target) {
		*err = zc_strdup("the workbook's sheet has no part (xl/_rels/workbook.xml.rels)");
		goto out;
	}
	/* shared strings (absent when every string is inline) */
	if (zc_zip_member(z, "xl/sharedStrings.xml", MEMBER_MAX, &ssx, &n) == ZC_OK && (ss = zc_xml_read(ssx, n))) {
		size_t cap = 0;
		for (xmlNodePtr si = xmlDocGetRootElement(ss)->children; si; si = si->next) {
			if (!named(si, "si"))
				continue;
			zc_buf b;
			zc_buf_init(&b, ZC_BUF_UNLIMITED);
			zc_buf_cats(&b, "");
			string_item(si, &b);
			if (nshared == cap) {
				cap = cap ? 2 * cap : 256;
				shared = zc_realloc(shared, cap * sizeof *shared);
			}
			shared[nshared++] = zc_buf_take(&b);
		}
	}
	if (zc_zip_member(z, target, MEMBER_MAX, &shx, &n) != ZC_OK || !(sh = zc_xml_read(shx, n))) {
		*err = zc_asprintf("cannot read the sheet's part %s", target);
		goto out;
	}
	xmlNodePtr data_ = zc_xml_child(xmlDocGetRootElement(sh), "sheetData");
	t = zc_calloc(1, sizeof *t);
	long rownum = 0;
	for (xmlNodePtr r = data_ ? data_->children : NULL; r; r = r->next) {
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
			goto out;
		}
		long col = -1;
		for (xmlNodePtr c = r->children; c; c = c->next) {
			if (!named(c, "c"))
				continue;
			char *ref = zc_xml_attr(c, "r"), *type = zc_xml_attr(c, "t");
			long rc_ = ref ? ref_col(ref) : -1;
			col = rc_ >= 0 ? rc_ : col + 1;
			free(ref);
			char *val = NULL;
			if (col >= COLS_MAX) {
				free(type);
				*err = zc_asprintf("row %ld: more than %d columns", rownum, COLS_MAX);
				goto out;
			}
			if (type && !strcmp(type, "inlineStr")) {
				zc_buf b;
				zc_buf_init(&b, ZC_BUF_UNLIMITED);
				zc_buf_cats(&b, "");
				xmlNodePtr is = zc_xml_child(c, "is");
				if (is)
					string_item(is, &b);
				val = zc_buf_take(&b);
			} else {
				xmlNodePtr v = zc_xml_child(c, "v");
				xmlChar *x = v ? xmlNodeGetContent(v) : NULL;
				if (type && !strcmp(type, "s")) {
					long k;
					if (x && zc_parse_long((const char *)x, 0, (long)nshared - 1, &k) == ZC_OK)
						val = zc_strdup(shared[k]);
					else
						val = zc_strdup("");
				} else if (type && !strcmp(type, "e")) {
					val = zc_strdup("");	/* an error value (#N/A) is no code */
				} else {
					val = zc_strdup(x ? (const char *)x : "");
				}
				xmlFree(x);
			}
			free(type);
			table_set(t, (size_t)(rownum - 1), (size_t)col, val);
		}
	}
	rc = ZC_OK;
out:
	for (size_t i = 0; i < nshared; i++)
		free(shared[i]);
	free(shared);
	xmlFreeDoc(wb);
	xmlFreeDoc(rel);
	xmlFreeDoc(ss);
	xmlFreeDoc(sh);
	free(wbx);
	free(relx);
	free(ssx);
	free(shx);
	free(target);
	free(rid);
	zip_discard(z);
	if (rc != ZC_OK) {
		zc_cells_free(&t);
		return rc;
	}
	*out = t;
	return ZC_OK;
}
