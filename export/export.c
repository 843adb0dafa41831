/*
 * export.c - documents and entries as CSV, JSONL and XLSX (docs/CSV.md lists the columns).
 *
 * CSV: RFC 4180 (CRLF line ends, every cell quoted when it holds a comma, quote, CR or LF),
 * UTF-8 with a byte-order mark by default, because Excel reads a BOM-less CSV in the
 * machine's ANSI code page and garbles Chinese.  A cell that begins with = + - @ (or a tab or
 * CR) is prefixed with ' so that a spreadsheet never evaluates it (formula injection).
 *
 * XLSX is laid out for Excel: dates are date cells, counts and numbers number cells, text
 * (never a formula there, so never prefixed) wrapped where it is long; each column has a width,
 * the header row is frozen and filters on.  A cell holds at most 32,767 characters in Excel:
 * a longer text is cut there with a marker saying so, and counted (zc_export_cut).
 *
 * Text (ZC_FMT_TEXT): one UTF-8 file a document, CODE.txt in the directory path names, its
 * fields as "name: value" lines, a blank line, then its text.
 */
#include "export.h"
#include "../common/zc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

struct zc_exporter {
	FILE *out;
	enum zc_format fmt;
	int excluded;
	int body;		/* the document's text as a column */
	int bom;		/* CSV and text files begin with a byte-order mark */
	int entries;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *date, *wrap;
	int row;
	long cut;		/* XLSX cells cut at Excel's limit */
	char *dir;		/* ZC_FMT_TEXT: where the files go */
	zc_buf line;		/* the row being written (CSV, JSONL) */
	zc_buf scratch;		/* a list cell's text */
	char *about[4];		/* the selection's profile: name, SHA-256, zhengce, criteria; NULLs: none */
};

static const char *const DOC_COLS[] = {"code", "file_no", "jurisdiction", "province", "title", "docno", "issuers",
				       "written_date", "published_date", "year", "type", "validity",
				       "entries", "url", "sources"};
static const char *const BODY_COLS[] = {"body"};
static const char *const EXCL_COLS[] = {"decision", "reason", "evidence", "canonical_url"};
/* what every row says of the selection it belongs to (docs/CSV.md) */
static const char *const ABOUT_COLS[] = {"profile", "profile_sha256", "zhengce"};
static const char *const ENTRY_COLS[] = {"code", "doc_code", "file_no", "jurisdiction", "province", "year", "title",
					 "section", "item", "text", "url"};
#define N(a) (sizeof a / sizeof a[0])
/* the most columns a row has (a document's with every one, and its "warc") */
#define MAX_COLS 32
_Static_assert(N(DOC_COLS) + N(BODY_COLS) + N(EXCL_COLS) + 1 + N(ABOUT_COLS) <= MAX_COLS, "a row's cells");
_Static_assert(N(ENTRY_COLS) + N(ABOUT_COLS) <= MAX_COLS, "a row's cells");

/* How a column looks in Excel: its width (in characters of the default font; a Chinese
   character is two) and what kind of cell it takes. */
enum cell_kind { K_TEXT, K_WRAP, K_NUMBER, K_KEY, K_DATE };	/* K_KEY: a number, 0 being none */
static const struct {
	const char *name;
	double width;
	enum cell_kind kind;
} LAYOUT[] = {
	{"code", 12, K_TEXT}, {"file_no", 8, K_KEY}, {"doc_code", 10, K_TEXT}, {"jurisdiction", 12, K_TEXT},
	{"province", 9, K_TEXT}, {"title", 60, K_WRAP}, {"docno", 24, K_TEXT}, {"issuers", 30, K_TEXT},
	{"written_date", 13, K_DATE}, {"published_date", 15, K_DATE}, {"year", 6, K_KEY}, {"type", 8, K_TEXT},
	{"validity", 9, K_TEXT}, {"entries", 8, K_NUMBER}, {"url", 45, K_TEXT}, {"sources", 45, K_TEXT},
	{"body", 80, K_TEXT}, {"decision", 10, K_TEXT}, {"reason", 14, K_TEXT}, {"evidence", 40, K_WRAP},
	{"canonical_url", 45, K_TEXT}, {"profile", 14, K_TEXT}, {"profile_sha256", 18, K_TEXT}, {"zhengce", 9, K_TEXT},
	{"section", 8, K_NUMBER}, {"item", 6, K_NUMBER}, {"text", 80, K_WRAP},
};

static int layout_of(const char *col)
{
	for (size_t i = 0; i < N(LAYOUT); i++)
		if (!strcmp(LAYOUT[i].name, col))
			return (int)i;
	return -1;
}

/* Excel's limit on the characters of a cell (UTF-16 code units), and what ends a text cut there */
#define XLSX_CELL_MAX 32767
static const char CUT_MARK[] = "…[cut here: Excel holds 32,767 characters a cell; the whole text is in the CSV and JSONL]";

int zc_format_parse(const char *s, enum zc_format *f)
{
	if (!strcasecmp(s, "csv"))
		*f = ZC_FMT_CSV;
	else if (!strcasecmp(s, "jsonl"))
		*f = ZC_FMT_JSONL;
	else if (!strcasecmp(s, "xlsx"))
		*f = ZC_FMT_XLSX;
	else if (!strcasecmp(s, "table"))
		*f = ZC_FMT_TABLE;
	else if (!strcasecmp(s, "json"))
		*f = ZC_FMT_JSON;
	else
		return ZC_EUSAGE;
	return ZC_OK;
}

void zc_csv_cell(zc_buf *b, const char *raw)
{
	char *s = zc_text_visible(raw, 1);
	int risky = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
	int quote = risky || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		zc_buf_catc(b, '"');
	if (risky)
		zc_buf_catc(b, '\'');
	/* the text between quotes in one copy each, a quote doubled */
	for (const char *p = s, *q; *p; p = q + 1) {
		q = strchr(p, '"');
		if (!q) {
			zc_buf_cats(b, p);
			break;
		}
		zc_buf_cat(b, p, (size_t)(q - p) + 1);
		zc_buf_catc(b, '"');
	}
	if (quote)
		zc_buf_catc(b, '"');
	free(s);
}

/* the columns of a row, in order: the kind's, the text's, the exclusion's, the profile's */
static size_t column_list(const zc_exporter *e, const char *cols[MAX_COLS])
{
	size_t n = 0;
	const char *const *base = e->entries ? ENTRY_COLS : DOC_COLS;
	size_t nb = e->entries ? N(ENTRY_COLS) : N(DOC_COLS);
	for (size_t i = 0; i < nb; i++)
		cols[n++] = base[i];
	if (!e->entries && e->body)
		cols[n++] = BODY_COLS[0];
	if (!e->entries && e->excluded)
		for (size_t i = 0; i < N(EXCL_COLS); i++)
			cols[n++] = EXCL_COLS[i];
	if (e->about[0])
		for (size_t i = 0; i < N(ABOUT_COLS); i++)
			cols[n++] = ABOUT_COLS[i];
	return n;
}

/*
 * A row: its cells in the order of its columns (column_list), each pointing at what the page,
 * the entry or the exporter holds (nothing copied, nothing allocated); doc_row and entry_row
 * fill it, one writer a format reads it.  A document's row also has a cell "warc", where the
 * JSONL row has that key (after the columns, before the profile's), which no other format
 * writes.  A string that is not UTF-8 (or NULL) is absent, as when rows were jansson values
 * (json_string refused it): no member of the JSONL row, no element of a list, "" in a cell.
 */
enum cell_type { CELL_STR, CELL_INT, CELL_NULL, CELL_LIST, CELL_WARC };
typedef struct cell {
	const char *col;		/* the column's name, the JSONL key */
	enum cell_type type;
	const char *s;			/* CELL_STR */
	long long i;			/* CELL_INT */
	const char *const *list;	/* CELL_LIST: n strings */
	size_t n;
	const zc_warc_place *warc;	/* CELL_WARC */
} cell;

typedef struct row {
	cell c[MAX_COLS];
	size_t n;
	char code[32];			/* a document's code, what its cell "code" points at */
} row;

/* s when it is a string a row holds (UTF-8), else NULL */
static const char *utf8_or_null(const char *s)
{
	return s && zc_utf8_valid(s, strlen(s)) ? s : NULL;
}

static cell *row_add(row *r, const char *col, enum cell_type type)
{
	cell *c = &r->c[r->n++];
	*c = (cell){.col = col, .type = type};
	return c;
}

static void row_str(row *r, const char *col, const char *s)
{
	row_add(r, col, CELL_STR)->s = s;
}

static void row_int(row *r, const char *col, long long i)
{
	row_add(r, col, CELL_INT)->i = i;
}

static void row_list(row *r, const char *col, const char *const *v, size_t n)
{
	cell *c = row_add(r, col, CELL_LIST);
	c->list = v;
	c->n = n;
}

/* what every row ends with when the selection has a profile */
static void row_about(const zc_exporter *e, row *r)
{
	for (size_t i = 0; e->about[0] && i < N(ABOUT_COLS); i++)
		row_str(r, ABOUT_COLS[i], e->about[i]);
}

/* the row of a document (docs/CSV.md) */
static void doc_row(const zc_exporter *e, const zc_page *page, row *r)
{
	const zc_page_doc *doc = &page->doc;
	const zc_decision *dec = &page->dec;
	const char *j = zc_page_jurisdiction(page), *prov = zc_province_name(j);
	r->n = 0;
	zc_page_code(page, r->code, sizeof r->code);
	row_str(r, "code", r->code);
	if (*r->code)
		row_int(r, "file_no", dec->file_code);
	else
		row_add(r, "file_no", CELL_NULL);
	row_str(r, "jurisdiction", j);
	row_str(r, "province", prov ? prov : "");
	row_str(r, "title", doc->title);
	row_str(r, "docno", doc->docno);
	row_list(r, "issuers", doc->issuers, doc->n_issuers);
	row_str(r, "written_date", doc->written_date);
	row_str(r, "published_date", doc->published_date);
	row_int(r, "year", zc_year_of(zc_page_date(page)));
	row_str(r, "type", doc->type);
	row_str(r, "validity", doc->validity);
	row_int(r, "entries", dec->entries);
	row_str(r, "url", page->url);
	/* a page without a decision lists itself (a URL that is not UTF-8 leaving the list
	   absent, not empty, as jansson's json_pack did) */
	if (zc_decision_present(dec))
		row_list(r, "sources", dec->sources, dec->n_sources);
	else if (utf8_or_null(page->url))
		row_list(r, "sources", &page->url, 1);
	else
		row_str(r, "sources", NULL);
	if (e->body)
		row_str(r, "body", doc->body);
	if (e->excluded) {
		row_str(r, "decision", dec->decision);
		row_str(r, "reason", dec->reason);
		row_str(r, "evidence", dec->evidence);
		row_str(r, "canonical_url", dec->canonical_url);
	}
	if (*page->warc.file)
		row_add(r, "warc", CELL_WARC)->warc = &page->warc;
	row_about(e, r);
}

static void entry_row(const zc_exporter *e, const zc_entry *entry, const zc_page *page, row *r)
{
	const char *j = zc_page_jurisdiction(page), *prov = zc_province_name(j);
	r->n = 0;
	row_str(r, "code", entry->code);
	row_str(r, "doc_code", entry->doc_code);
	row_int(r, "file_no", page->dec.file_code);
	row_str(r, "jurisdiction", j);
	row_str(r, "province", prov ? prov : "");
	row_int(r, "year", zc_year_of(zc_page_date(page)));
	row_str(r, "title", page->doc.title);
	row_int(r, "section", entry->section);
	row_int(r, "item", entry->item);
	row_str(r, "text", entry->text);
	row_str(r, "url", page->url);
	row_about(e, r);
}

/* the header: the columns' names as a row */
static void header_row(const zc_exporter *e, row *r)
{
	const char *cols[MAX_COLS];
	size_t n = column_list(e, cols);
	r->n = 0;
	for (size_t i = 0; i < n; i++)
		row_str(r, cols[i], cols[i]);
}

/* v in decimal (what printf's %lld writes) in d, which it returns a pointer into */
static const char *int_text(long long v, char d[24])
{
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	char *p = d + 23;
	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return p;
}

/* a cell as the text of a CSV, XLSX or text-file cell: a list's strings joined by "; ", an
   integer in decimal, null ""; the text is the cell's own, num's or scratch's (until the next
   call) */
static const char *cell_text(const cell *c, char num[24], zc_buf *scratch)
{
	const char *s;
	switch (c->type) {
	case CELL_STR:
		s = utf8_or_null(c->s);
		return s ? s : "";
	case CELL_INT:
		return int_text(c->i, num);
	case CELL_LIST:
		zc_buf_reset(scratch);
		for (size_t i = 0, k = 0; i < c->n; i++) {
			if (!(s = utf8_or_null(c->list[i])))
				continue;
			if (k++)
				zc_buf_cats(scratch, "; ");
			zc_buf_cats(scratch, s);
		}
		return scratch->data ? scratch->data : "";
	case CELL_NULL:
	case CELL_WARC:
		break;
	}
	return "";
}

/* b cut back to its first len bytes */
static void buf_cut(zc_buf *b, size_t len)
{
	b->len = len;
	if (b->data)
		b->data[len] = '\0';
}

/* The JSONL row, as json_dumps(JSON_COMPACT) wrote the jansson object it was: strings
   by zc_json_cat_string, an absent string's member or element left out. */
static int jsonl_string(zc_buf *b, const char *s)
{
	return s && zc_json_cat_string(b, s, strlen(s)) == ZC_OK;
}

static void jsonl_list(zc_buf *b, const char *const *v, size_t n)
{
	int first = 1;
	zc_buf_catc(b, '[');
	for (size_t i = 0; i < n; i++) {
		size_t at = b->len;
		if (!first)
			zc_buf_catc(b, ',');
		if (jsonl_string(b, v[i]))
			first = 0;
		else
			buf_cut(b, at);
	}
	zc_buf_catc(b, ']');
}

static void jsonl_object(zc_buf *b, const cell *c, size_t n);

/* where the page's record lies: skip and payload_record_id only when it has them */
static void jsonl_warc(zc_buf *b, const zc_warc_place *w)
{
	cell c[5];
	size_t n = 0;
	c[n++] = (cell){.col = "file", .type = CELL_STR, .s = w->file};
	c[n++] = (cell){.col = "offset", .type = CELL_INT, .i = w->offset};
	if (w->skip)
		c[n++] = (cell){.col = "skip", .type = CELL_INT, .i = w->skip};
	c[n++] = (cell){.col = "record_id", .type = CELL_STR, .s = w->record_id};
	if (*w->payload_record_id)
		c[n++] = (cell){.col = "payload_record_id", .type = CELL_STR, .s = w->payload_record_id};
	jsonl_object(b, c, n);
}

/* a cell's value; 0 for an absent string */
static int jsonl_value(zc_buf *b, const cell *c)
{
	char num[24];
	switch (c->type) {
	case CELL_STR:
		return jsonl_string(b, c->s);
	case CELL_INT:
		zc_buf_cats(b, int_text(c->i, num));
		return 1;
	case CELL_NULL:
		zc_buf_cats(b, "null");
		return 1;
	case CELL_LIST:
		jsonl_list(b, c->list, c->n);
		return 1;
	case CELL_WARC:
		jsonl_warc(b, c->warc);
		return 1;
	}
	return 0;
}

/* the cells as members "col":value, in their order */
static void jsonl_object(zc_buf *b, const cell *c, size_t n)
{
	int first = 1;
	zc_buf_catc(b, '{');
	for (size_t i = 0; i < n; i++) {
		size_t at = b->len;
		if (!first)
			zc_buf_catc(b, ',');
		int ok = jsonl_string(b, c[i].col);
		if (ok) {
			zc_buf_catc(b, ':');
			ok = jsonl_value(b, &c[i]);
		}
		if (ok)
			first = 0;
		else
			buf_cut(b, at);
	}
	zc_buf_catc(b, '}');
}

/* the line the row's writer made, out, the buffer emptied for the next */
static int line_out(zc_exporter *e)
{
	int ok = fwrite(e->line.data, 1, e->line.len, e->out) == e->line.len;
	zc_buf_reset(&e->line);
	return ok ? ZC_OK : zc_write_error(errno);
}

static int jsonl_row(zc_exporter *e, const row *r)
{
	jsonl_object(&e->line, r->c, r->n);
	zc_buf_catc(&e->line, '\n');
	return line_out(e);
}

static int csv_row(zc_exporter *e, const row *r)
{
	char num[24];
	for (size_t i = 0, col = 0; i < r->n; i++) {
		if (r->c[i].type == CELL_WARC)
			continue;	/* JSONL's alone */
		if (col++)
			zc_buf_catc(&e->line, ',');
		zc_csv_cell(&e->line, cell_text(&r->c[i], num, &e->scratch));
	}
	zc_buf_cats(&e->line, "\r\n");
	return line_out(e);
}

/* the length of s in UTF-16 code units (what Excel counts), and where the text that fits in
   limit units (a whole character) ends */
static size_t utf16_units(const char *s, size_t limit, size_t *fits)
{
	size_t units = 0;
	const char *p = s;
	*fits = 0;
	while (*p) {
		unsigned cp;
		size_t len = (size_t)zc_utf8_next(p, &cp);
		units += cp >= 0x10000 ? 2 : 1;
		p += len ? len : 1;
		if (units <= limit)
			*fits = (size_t)(p - s);
	}
	return units;
}

/* a YYYY-MM-DD date as Excel's, 0 when v is not one */
static int date_of(const char *v, lxw_datetime *dt)
{
	int y, m, d;
	char tail;
	if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1900 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return 0;
	*dt = (lxw_datetime){y, m, d, 0, 0, 0};
	return 1;
}

/* one cell of an XLSX row: the column's kind; a text over Excel's limit cut with a marker */
static int xlsx_cell(zc_exporter *e, lxw_col_t c, const cell *val)
{
	lxw_row_t r = (lxw_row_t)e->row;
	int li = layout_of(val->col);
	enum cell_kind kind = li >= 0 ? LAYOUT[li].kind : K_TEXT;
	lxw_error err = LXW_NO_ERROR;
	if (kind == K_NUMBER || kind == K_KEY) {
		/* a year or a file number of 0 is none (a document without a date, one without a code) */
		if (val->type == CELL_INT && (kind == K_NUMBER || val->i))
			err = worksheet_write_number(e->ws, r, c, (double)val->i, NULL);
		return err == LXW_NO_ERROR ? ZC_OK : ZC_EIO;
	}
	char num[24];
	char *v = zc_text_visible(cell_text(val, num, &e->scratch), 1);
	lxw_datetime dt;
	if (kind == K_DATE && date_of(v, &dt)) {
		err = worksheet_write_datetime(e->ws, r, c, &dt, e->date);
	} else if (*v) {
		size_t fits, mark_fits;
		size_t mark = utf16_units(CUT_MARK, SIZE_MAX, &mark_fits);
		if (utf16_units(v, XLSX_CELL_MAX - mark, &fits) > XLSX_CELL_MAX) {
			char *cut = zc_asprintf("%.*s%s", (int)fits, v, CUT_MARK);
			free(v);
			v = cut;
			e->cut++;
		}
		err = worksheet_write_string(e->ws, r, c, v, kind == K_WRAP ? e->wrap : NULL);
	}
	free(v);
	return err == LXW_NO_ERROR ? ZC_OK : ZC_EIO;
}

static int xlsx_row(zc_exporter *e, const row *r)
{
	int rc = ZC_OK;
	for (size_t i = 0, col = 0; i < r->n && rc == ZC_OK; i++)
		if (r->c[i].type != CELL_WARC)
			rc = xlsx_cell(e, (lxw_col_t)col++, &r->c[i]);
	e->row++;
	return rc;
}

/* the header row of the sheet, bold */
static int xlsx_header(zc_exporter *e)
{
	const char *cols[MAX_COLS];
	size_t n = column_list(e, cols);
	int rc = ZC_OK;
	for (size_t i = 0; i < n && rc == ZC_OK; i++)
		rc = worksheet_write_string(e->ws, 0, (lxw_col_t)i, cols[i], e->bold) == LXW_NO_ERROR ? ZC_OK : ZC_EIO;
	e->row++;
	return rc;
}

/* path holding what b holds, nothing else */
static int file_write(const char *path, const zc_buf *b)
{
	FILE *f = fopen(path, "wb");
	int rc = f ? ZC_OK : zc_write_error(errno);
	if (f && fwrite(b->data, 1, b->len, f) != b->len)
		rc = zc_write_error(errno);
	if (f && fclose(f) != 0 && rc == ZC_OK)
		rc = zc_write_error(errno);
	return rc;
}

/* a document as a text file: its fields, a blank line, its text */
static int text_file(zc_exporter *e, const row *r)
{
	if (!*r->code)
		return ZC_OK;	/* only a document with a code has a name */
	char num[24];
	const cell *body = NULL;
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	if (e->bom)
		zc_buf_cats(&b, "\xEF\xBB\xBF");
	for (size_t i = 0; i < r->n; i++) {
		const cell *c = &r->c[i];
		if (c->type == CELL_WARC)
			continue;	/* JSONL's alone */
		if (!strcmp(c->col, "body")) {
			body = c;	/* it follows the fields */
			continue;
		}
		char *v = zc_text_visible(cell_text(c, num, &e->scratch), 0);
		zc_buf_catf(&b, "%s: %s\n", c->col, v);
		free(v);
	}
	char *text = zc_text_visible(body ? cell_text(body, num, &e->scratch) : "", 1);
	zc_buf_catc(&b, '\n');
	zc_buf_cats(&b, text);
	zc_buf_catc(&b, '\n');
	free(text);
	char *path = zc_asprintf("%s/%s.txt", e->dir, r->code);
	int rc = file_write(path, &b);
	free(path);
	zc_buf_free(&b);
	return rc;
}

static int write_row(zc_exporter *e, const row *r)
{
	switch (e->fmt) {
	case ZC_FMT_JSONL:
		return jsonl_row(e, r);
	case ZC_FMT_CSV:
		return csv_row(e, r);
	case ZC_FMT_XLSX:
		return xlsx_row(e, r);
	case ZC_FMT_TEXT:
		return text_file(e, r);
	default:
		return ZC_EUSAGE;	/* zc_export_begin takes no other */
	}
}

/* the workbook, its formats and the data sheet's layout: widths, the header frozen */
static int xlsx_begin(zc_exporter *e, const char *path)
{
	/* rows go to a temporary file as they are written, not into memory: an export of
	   every page of a 100,000-page corpus held 224 MB the other way */
	lxw_workbook_options o = {.constant_memory = LXW_TRUE};
	e->wb = workbook_new_opt(path, &o);
	if (!e->wb)
		return ZC_EIO;
	e->ws = workbook_add_worksheet(e->wb, e->entries ? "entries" : "documents");
	e->bold = workbook_add_format(e->wb);
	e->date = workbook_add_format(e->wb);
	e->wrap = workbook_add_format(e->wb);
	if (!e->ws || !e->bold || !e->date || !e->wrap)
		return ZC_EIO;
	format_set_bold(e->bold);
	format_set_num_format(e->date, "yyyy-mm-dd");
	format_set_text_wrap(e->wrap);
	format_set_align(e->wrap, LXW_ALIGN_VERTICAL_TOP);
	const char *cols[MAX_COLS];
	size_t n = column_list(e, cols);
	for (size_t i = 0; i < n; i++) {
		int li = layout_of(cols[i]);
		worksheet_set_column(e->ws, (lxw_col_t)i, (lxw_col_t)i, li >= 0 ? LAYOUT[li].width : 12,
				     li >= 0 && LAYOUT[li].kind == K_DATE ? e->date : NULL);
	}
	worksheet_freeze_panes(e->ws, 1, 0);
	return ZC_OK;
}

static void about_free(zc_exporter *e)
{
	for (size_t i = 0; i < N(e->about); i++)
		free(e->about[i]);
}

int zc_export_begin(FILE *out, const char *path, enum zc_format fmt, const char *kind, unsigned flags,
		    int bom, const zc_profile_record *about, zc_exporter **pe)
{
	zc_exporter *e = zc_calloc(1, sizeof *e);
	int rc = ZC_OK;
	*pe = NULL;
	if (about) {
		e->about[0] = zc_strdup(about->name ? about->name : "");
		e->about[1] = zc_strdup(about->sha256 ? about->sha256 : "");
		e->about[2] = zc_strdup(about->zhengce ? about->zhengce : "");
		e->about[3] = zc_strdup(about->criteria ? about->criteria : "");
	}
	e->out = out;
	e->fmt = fmt;
	e->entries = !strcmp(kind, "entries");
	e->excluded = !e->entries && (flags & ZC_EXPORT_EXCLUDED);
	e->body = !e->entries && (flags & ZC_EXPORT_BODY);
	e->bom = bom;
	zc_buf_init(&e->line, ZC_BUF_UNLIMITED);
	zc_buf_init(&e->scratch, ZC_BUF_UNLIMITED);
	if (fmt == ZC_FMT_XLSX) {
		rc = path ? xlsx_begin(e, path) : ZC_EUSAGE;
		if (rc == ZC_OK)
			rc = xlsx_header(e);
	} else if (fmt == ZC_FMT_CSV) {
		if (bom)
			fputs("\xEF\xBB\xBF", out);
		row header;
		header_row(e, &header);
		rc = csv_row(e, &header);
	} else if (fmt == ZC_FMT_TEXT) {
		if (path && !e->entries) {
			e->dir = zc_strdup(path);
			e->body = 1;
		} else {
			rc = ZC_EUSAGE;
		}
	} else if (fmt != ZC_FMT_JSONL) {
		rc = ZC_EUSAGE;
	}
	if (rc != ZC_OK) {
		if (e->wb)
			workbook_close(e->wb);
		zc_buf_free(&e->line);
		zc_buf_free(&e->scratch);
		about_free(e);
		free(e);
		return rc;
	}
	*pe = e;
	return ZC_OK;
}

int zc_export_doc(zc_exporter *e, const zc_page *page)
{
	row r;
	doc_row(e, page, &r);
	return write_row(e, &r);
}

int zc_export_entry(zc_exporter *e, const zc_entry *entry, const zc_page *page)
{
	row r;
	entry_row(e, entry, page, &r);
	return write_row(e, &r);
}

long zc_export_cut(const zc_exporter *e)
{
	return e ? e->cut : 0;
}

int zc_export_end(zc_exporter **pe)
{
	zc_exporter *e = *pe;
	int rc = ZC_OK;
	if (!e)
		return ZC_OK;
	if (e->wb) {
		const char *cols[MAX_COLS];
		size_t n = column_list(e, cols);
		/* filters on the header, over every row written */
		worksheet_autofilter(e->ws, 0, 0, (lxw_row_t)(e->row > 1 ? e->row - 1 : 1), (lxw_col_t)(n - 1));
	}
	if (e->wb && e->about[0]) {
		/* the profile in full, the criteria in words, on a sheet of its own */
		static const char *const rows[] = {"profile", "profile_sha256", "zhengce", "criteria"};
		lxw_worksheet *ws = workbook_add_worksheet(e->wb, "profile");
		if (ws) {
			worksheet_set_column(ws, 0, 0, 16, NULL);
			worksheet_set_column(ws, 1, 1, 100, e->wrap);
		}
		for (lxw_row_t r = 0; ws && r < 4; r++) {
			worksheet_write_string(ws, r, 0, rows[r], e->bold);
			worksheet_write_string(ws, r, 1, e->about[r], NULL);
		}
	}
	if (e->wb && workbook_close(e->wb) != LXW_NO_ERROR)
		rc = zc_write_error(errno);
	if (e->out && fflush(e->out) != 0)
		rc = zc_write_error(errno);
	zc_buf_free(&e->line);
	zc_buf_free(&e->scratch);
	about_free(e);
	free(e->dir);
	free(e);
	*pe = NULL;
	return rc;
}
