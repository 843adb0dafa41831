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
	zc_buf line;
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

static json_t *string_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* where the page's record lies, as the row says it (docs/CSV.md) */
static json_t *warc_place(const zc_warc_place *w)
{
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(w->file));
	json_object_set_new(o, "offset", json_integer(w->offset));
	if (w->skip)
		json_object_set_new(o, "skip", json_integer(w->skip));
	json_object_set_new(o, "record_id", json_string(w->record_id));
	if (*w->payload_record_id)
		json_object_set_new(o, "payload_record_id", json_string(w->payload_record_id));
	return o;
}

/* the row of a document as JSON (the JSONL line; CSV and XLSX flatten it) */
static json_t *doc_row(const zc_page *page, int excluded, int body)
{
	const zc_page_doc *doc = &page->doc;
	const zc_decision *dec = &page->dec;
	const char *j = zc_page_jurisdiction(page);
	char code[32];
	zc_page_code(page, code, sizeof code);
	const char *prov = zc_province_name(j);
	json_t *r = json_object();
	json_object_set_new(r, "code", json_string(code));
	json_object_set_new(r, "file_no", *code ? json_integer(dec->file_code) : json_null());
	json_object_set_new(r, "jurisdiction", json_string(j));
	json_object_set_new(r, "province", json_string(prov ? prov : ""));
	json_object_set_new(r, "title", json_string(doc->title));
	json_object_set_new(r, "docno", json_string(doc->docno));
	json_object_set_new(r, "issuers", string_array(doc->issuers, doc->n_issuers));
	json_object_set_new(r, "written_date", json_string(doc->written_date));
	json_object_set_new(r, "published_date", json_string(doc->published_date));
	json_object_set_new(r, "year", json_integer(zc_year_of(zc_page_date(page))));
	json_object_set_new(r, "type", json_string(doc->type));
	json_object_set_new(r, "validity", json_string(doc->validity));
	json_object_set_new(r, "entries", json_integer(dec->entries));
	json_object_set_new(r, "url", json_string(page->url));
	/* a page without a decision lists itself */
	json_object_set_new(r, "sources", zc_decision_present(dec) ? string_array(dec->sources, dec->n_sources) : json_pack("[s]", page->url));
	if (body)
		json_object_set_new(r, "body", json_string(doc->body));
	if (excluded) {
		json_object_set_new(r, "decision", json_string(dec->decision));
		json_object_set_new(r, "reason", json_string(dec->reason));
		json_object_set_new(r, "evidence", json_string(dec->evidence));
		json_object_set_new(r, "canonical_url", json_string(dec->canonical_url));
	}
	if (*page->warc.file)
		json_object_set_new(r, "warc", warc_place(&page->warc));
	return r;
}

static json_t *entry_row(const zc_entry *entry, const zc_page *page)
{
	const char *j = zc_page_jurisdiction(page);
	const char *prov = zc_province_name(j);
	return json_pack("{s:s,s:s,s:I,s:s,s:s,s:i,s:s,s:I,s:I,s:s,s:s}", "code", entry->code, "doc_code", entry->doc_code,
			 "file_no", (json_int_t)page->dec.file_code, "jurisdiction", j, "province", prov ? prov : "", "year",
			 zc_year_of(zc_page_date(page)), "title", page->doc.title, "section", (json_int_t)entry->section, "item",
			 (json_int_t)entry->item, "text", entry->text, "url", page->url);
}

/* a JSON value as cell text: arrays joined by "; " */
static char *cell_text(json_t *v)
{
	if (json_is_string(v))
		return zc_strdup(json_string_value(v));
	if (json_is_integer(v))
		return zc_asprintf("%lld", (long long)json_integer_value(v));
	if (json_is_array(v)) {
		zc_buf b;
		zc_buf_init(&b, ZC_BUF_UNLIMITED);
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				zc_buf_cats(&b, "; ");
			zc_buf_cats(&b, json_string_value(json_array_get(v, i)) ? json_string_value(json_array_get(v, i)) : "");
		}
		return zc_buf_take(&b);
	}
	if (json_is_object(v)) {
		return json_dumps(v, JSON_COMPACT);
	}
	return zc_strdup("");
}

/* the columns of a row, in order: the kind's, the text's, the exclusion's, the profile's */
static size_t column_list(const zc_exporter *e, const char *cols[32])
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

static void add_about(const zc_exporter *e, json_t *r)
{
	for (size_t i = 0; e->about[0] && i < N(ABOUT_COLS); i++)
		json_object_set_new(r, ABOUT_COLS[i], json_string(e->about[i]));
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
static int xlsx_cell(zc_exporter *e, lxw_col_t c, const char *col, json_t *val)
{
	lxw_row_t r = (lxw_row_t)e->row;
	int li = layout_of(col);
	enum cell_kind kind = li >= 0 ? LAYOUT[li].kind : K_TEXT;
	lxw_error err = LXW_NO_ERROR;
	if (kind == K_NUMBER || kind == K_KEY) {
		/* a year or a file number of 0 is none (a document without a date, one without a code) */
		if (json_is_integer(val) && (kind == K_NUMBER || json_integer_value(val)))
			err = worksheet_write_number(e->ws, r, c, (double)json_integer_value(val), NULL);
		return err == LXW_NO_ERROR ? ZC_OK : ZC_EIO;
	}
	char *raw = cell_text(val), *v = zc_text_visible(raw, 1);
	free(raw);
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

/* a document as a text file: its fields, a blank line, its text */
static int text_file(zc_exporter *e, json_t *r)
{
	const char *code = zc_jstr(r, "code");
	if (!*code)
		return ZC_OK;	/* only a document with a code has a name */
	const char *cols[32];
	size_t n = column_list(e, cols);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	if (e->bom)
		zc_buf_cats(&b, "\xEF\xBB\xBF");
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(cols[i], "body"))
			continue;	/* it follows the fields */
		char *raw = cell_text(json_object_get(r, cols[i])), *v = zc_text_visible(raw, 0);
		zc_buf_catf(&b, "%s: %s\n", cols[i], v);
		free(v);
		free(raw);
	}
	char *body = zc_text_visible(zc_jstr(r, "body"), 1);
	zc_buf_catf(&b, "\n%s\n", body);
	free(body);
	char *path = zc_asprintf("%s/%s.txt", e->dir, code);
	FILE *f = fopen(path, "wb");
	int rc = f ? ZC_OK : zc_write_error(errno);
	if (f && fwrite(b.data, 1, b.len, f) != b.len)
		rc = zc_write_error(errno);
	if (f && fclose(f) != 0 && rc == ZC_OK)
		rc = zc_write_error(errno);
	free(path);
	zc_buf_free(&b);
	return rc;
}

static int write_row(zc_exporter *e, json_t *r, int header)
{
	const char *cols[32];
	size_t n = column_list(e, cols);
	if (r)
		add_about(e, r);
	if (e->fmt == ZC_FMT_TEXT)
		return text_file(e, r);
	if (e->fmt == ZC_FMT_JSONL) {
		if (zc_json_dump(&e->line, r) != ZC_OK) {
			zc_buf_reset(&e->line);
			return ZC_EPARSE;
		}
		zc_buf_catc(&e->line, '\n');
		int ok = fwrite(e->line.data, 1, e->line.len, e->out) == e->line.len;
		zc_buf_reset(&e->line);
		return ok ? ZC_OK : zc_write_error(errno);
	}
	int rc = ZC_OK;
	for (size_t i = 0; i < n && rc == ZC_OK; i++) {
		if (e->fmt == ZC_FMT_XLSX) {
			if (header)
				rc = worksheet_write_string(e->ws, 0, (lxw_col_t)i, cols[i], e->bold) == LXW_NO_ERROR ? ZC_OK : ZC_EIO;
			else
				rc = xlsx_cell(e, (lxw_col_t)i, cols[i], json_object_get(r, cols[i]));
			continue;
		}
		char *v = header ? zc_strdup(cols[i]) : cell_text(json_object_get(r, cols[i]));
		if (i)
			zc_buf_catc(&e->line, ',');
		zc_csv_cell(&e->line, v);
		free(v);
	}
	e->row++;
	if (e->fmt == ZC_FMT_CSV) {
		zc_buf_cats(&e->line, "\r\n");
		int ok = fwrite(e->line.data, 1, e->line.len, e->out) == e->line.len;
		zc_buf_reset(&e->line);
		return ok ? ZC_OK : zc_write_error(errno);
	}
	return rc;
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
	const char *cols[32];
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
	if (fmt == ZC_FMT_XLSX) {
		rc = path ? xlsx_begin(e, path) : ZC_EUSAGE;
		if (rc == ZC_OK)
			rc = write_row(e, NULL, 1);
	} else if (fmt == ZC_FMT_CSV) {
		if (bom)
			fputs("\xEF\xBB\xBF", out);
		rc = write_row(e, NULL, 1);
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
		about_free(e);
		free(e);
		return rc;
	}
	*pe = e;
	return ZC_OK;
}

int zc_export_doc(zc_exporter *e, const zc_page *page)
{
	json_t *r = doc_row(page, e->excluded, e->body);
	int rc = write_row(e, r, 0);
	json_decref(r);
	return rc;
}

int zc_export_entry(zc_exporter *e, const zc_entry *entry, const zc_page *page)
{
	json_t *r = entry_row(entry, page);
	int rc = write_row(e, r, 0);
	json_decref(r);
	return rc;
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
		const char *cols[32];
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
	about_free(e);
	free(e->dir);
	free(e);
	*pe = NULL;
	return rc;
}
