/*
 * export.c - documents and entries as CSV, JSONL and XLSX (docs/CSV.md lists the columns).
 *
 * CSV: RFC 4180 (CRLF line ends, every cell quoted when it holds a comma, quote, CR or LF),
 * UTF-8 with a byte-order mark by default, because Excel reads a BOM-less CSV in the
 * machine's ANSI code page and garbles Chinese.  A cell that begins with = + - @ (or a tab or
 * CR) is prefixed with ' so that a spreadsheet never evaluates it (formula injection).
 */
#include "export.h"
#include "../common/zc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

struct zc_exporter {
	FILE *out;
	enum zc_format fmt;
	int excluded;
	int entries;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	int row;
	zc_buf line;
	json_t *about;		/* the selection's profile record, or NULL */
};

static const char *const DOC_COLS[] = {"code", "jurisdiction", "province", "title", "docno", "issuers",
				       "written_date", "published_date", "year", "type", "validity",
				       "entries", "url", "sources"};
static const char *const EXCL_COLS[] = {"decision", "reason", "evidence", "canonical_url"};
/* what every row says of the selection it belongs to (docs/CSV.md) */
static const char *const ABOUT_COLS[] = {"profile", "profile_sha256", "zhengce"};
static const char *const ENTRY_COLS[] = {"code", "doc_code", "jurisdiction", "province", "year", "title",
					 "section", "item", "text", "url"};
#define N(a) (sizeof a / sizeof a[0])

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

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

void zc_csv_cell(zc_buf *b, const char *raw)
{
	char *s = zc_text_visible(raw, 1);
	int risky = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
	int quote = risky || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		zc_buf_addch(b, '"');
	if (risky)
		zc_buf_addch(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			zc_buf_addch(b, '"');
		zc_buf_addch(b, *p);
	}
	if (quote)
		zc_buf_addch(b, '"');
	free(s);
}

static int year_of(json_t *doc)
{
	const char *w = str(doc, "written_date");
	if (!*w)
		w = str(doc, "published_date");
	return zc_year_of(w);
}

/* the row of a document as JSON (the JSONL line; CSV and XLSX flatten it) */
static json_t *doc_row(json_t *page, int excluded)
{
	json_t *doc = json_object_get(page, "doc");
	const char *j = str(page, "jurisdiction");
	char code[32] = "";
	json_int_t fc = json_integer_value(json_object_get(page, "file_code"));
	if (fc && !strcmp(str(page, "decision"), "included"))
		snprintf(code, sizeof code, "%s-%lld", j, (long long)fc);
	const char *prov = zc_province_name(j);
	json_t *r = json_object();
	json_object_set_new(r, "code", json_string(code));
	json_object_set_new(r, "jurisdiction", json_string(j));
	json_object_set_new(r, "province", json_string(prov ? prov : ""));
	json_object_set_new(r, "title", json_string(str(doc, "title")));
	json_object_set_new(r, "docno", json_string(str(doc, "docno")));
	json_t *iss = json_object_get(doc, "issuers");
	json_object_set_new(r, "issuers", iss ? json_deep_copy(iss) : json_array());
	json_object_set_new(r, "written_date", json_string(str(doc, "written_date")));
	json_object_set_new(r, "published_date", json_string(str(doc, "published_date")));
	json_object_set_new(r, "year", json_integer(year_of(doc)));
	json_object_set_new(r, "type", json_string(str(doc, "type")));
	json_object_set_new(r, "validity", json_string(str(doc, "validity")));
	json_object_set_new(r, "entries", json_integer(json_integer_value(json_object_get(page, "entries"))));
	json_object_set_new(r, "url", json_string(str(page, "url")));
	json_t *src = json_object_get(page, "sources");
	json_object_set_new(r, "sources", src ? json_deep_copy(src) : json_pack("[s]", str(page, "url")));
	if (excluded) {
		json_object_set_new(r, "decision", json_string(str(page, "decision")));
		json_object_set_new(r, "reason", json_string(str(page, "reason")));
		json_object_set_new(r, "evidence", json_string(str(page, "evidence")));
		json_object_set_new(r, "canonical_url", json_string(str(page, "canonical_url")));
	}
	json_t *w = json_object_get(page, "warc");
	if (w)
		json_object_set_new(r, "warc", json_deep_copy(w));
	return r;
}

static json_t *entry_row(json_t *entry, json_t *page)
{
	json_t *doc = json_object_get(page, "doc");
	const char *j = str(page, "jurisdiction");
	const char *prov = zc_province_name(j);
	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:O,s:O,s:s,s:s}", "code", str(entry, "code"), "doc_code",
			 str(entry, "doc_code"), "jurisdiction", j, "province", prov ? prov : "", "year",
			 year_of(doc), "title", str(doc, "title"), "section", json_object_get(entry, "section"),
			 "item", json_object_get(entry, "item"), "text", str(entry, "text"), "url", str(page, "url"));
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
				zc_buf_addstr(&b, "; ");
			zc_buf_addstr(&b, json_string_value(json_array_get(v, i)) ? json_string_value(json_array_get(v, i)) : "");
		}
		return zc_buf_take(&b);
	}
	if (json_is_object(v)) {
		return json_dumps(v, JSON_COMPACT);
	}
	return zc_strdup("");
}

static void columns(const zc_exporter *e, const char *const **cols, size_t *n, size_t *nextra)
{
	if (e->entries) {
		*cols = ENTRY_COLS;
		*n = N(ENTRY_COLS);
		*nextra = 0;
	} else {
		*cols = DOC_COLS;
		*n = N(DOC_COLS);
		*nextra = e->excluded ? N(EXCL_COLS) : 0;
	}
}

static void add_about(const zc_exporter *e, json_t *r)
{
	if (!e->about)
		return;
	json_object_set_new(r, "profile", json_string(str(e->about, "name")));
	json_object_set_new(r, "profile_sha256", json_string(str(e->about, "sha256")));
	json_object_set_new(r, "zhengce", json_string(str(e->about, "zhengce")));
}

static int write_row(zc_exporter *e, json_t *r, int header)
{
	const char *const *cols;
	size_t n, nx;
	columns(e, &cols, &n, &nx);
	if (r)
		add_about(e, r);
	size_t na = e->about ? N(ABOUT_COLS) : 0;
	if (e->fmt == ZC_FMT_JSONL) {
		char *s = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
		int ok = fputs(s, e->out) >= 0 && fputc('\n', e->out) != EOF;
		free(s);
		return ok ? ZC_OK : zc_write_error(errno);
	}
	for (size_t i = 0; i < n + nx + na; i++) {
		const char *col = i < n ? cols[i] : i < n + nx ? EXCL_COLS[i - n] : ABOUT_COLS[i - n - nx];
		char *v = header ? zc_strdup(col) : cell_text(json_object_get(r, col));
		if (e->fmt == ZC_FMT_XLSX) {
			if (!header && (!strcmp(col, "year") || !strcmp(col, "entries") || !strcmp(col, "section") ||
					!strcmp(col, "item")))
				worksheet_write_number(e->ws, (lxw_row_t)e->row, (lxw_col_t)i, atof(v), NULL);
			else
				worksheet_write_string(e->ws, (lxw_row_t)e->row, (lxw_col_t)i, v, header ? e->bold : NULL);
		} else {
			if (i)
				zc_buf_addch(&e->line, ',');
			zc_csv_cell(&e->line, v);
		}
		free(v);
	}
	e->row++;
	if (e->fmt == ZC_FMT_CSV) {
		zc_buf_addstr(&e->line, "\r\n");
		int ok = fwrite(e->line.data, 1, e->line.len, e->out) == e->line.len;
		zc_buf_reset(&e->line);
		return ok ? ZC_OK : zc_write_error(errno);
	}
	return ZC_OK;
}

int zc_export_begin(FILE *out, const char *path, enum zc_format fmt, const char *kind, int excluded,
		    int bom, json_t *about, zc_exporter **pe)
{
	zc_exporter *e = zc_calloc(1, sizeof *e);
	*pe = NULL;
	e->about = json_incref(about);
	e->out = out;
	e->fmt = fmt;
	e->excluded = excluded;
	e->entries = !strcmp(kind, "entries");
	zc_buf_init(&e->line, ZC_BUF_UNLIMITED);
	if (fmt == ZC_FMT_XLSX) {
		if (!path) {
			json_decref(e->about);
			free(e);
			return ZC_EUSAGE;
		}
		/* rows go to a temporary file as they are written, not into memory: an export of
		   every page of a 100,000-page corpus held 224 MB the other way */
		lxw_workbook_options o = {.constant_memory = LXW_TRUE};
		e->wb = workbook_new_opt(path, &o);
		if (!e->wb) {
			json_decref(e->about);
			free(e);
			return ZC_EIO;
		}
		e->ws = workbook_add_worksheet(e->wb, e->entries ? "entries" : "documents");
		e->bold = workbook_add_format(e->wb);
		format_set_bold(e->bold);
		write_row(e, NULL, 1);
	} else if (fmt == ZC_FMT_CSV) {
		if (bom)
			fputs("\xEF\xBB\xBF", out);
		write_row(e, NULL, 1);
	} else if (fmt != ZC_FMT_JSONL) {
		json_decref(e->about);
		free(e);
		return ZC_EUSAGE;
	}
	*pe = e;
	return ZC_OK;
}

int zc_export_doc(zc_exporter *e, json_t *page)
{
	json_t *r = doc_row(page, e->excluded);
	int rc = write_row(e, r, 0);
	json_decref(r);
	return rc;
}

int zc_export_entry(zc_exporter *e, json_t *entry, json_t *page)
{
	json_t *r = entry_row(entry, page);
	int rc = write_row(e, r, 0);
	json_decref(r);
	return rc;
}

int zc_export_end(zc_exporter **pe)
{
	zc_exporter *e = *pe;
	int rc = ZC_OK;
	if (!e)
		return ZC_OK;
	if (e->wb && e->about) {
		/* the profile in full, the criteria in words, on a sheet of its own */
		static const char *const rows[][2] = {{"profile", "name"}, {"profile_sha256", "sha256"},
						      {"zhengce", "zhengce"}, {"criteria", "criteria"}};
		lxw_worksheet *ws = workbook_add_worksheet(e->wb, "profile");
		for (lxw_row_t r = 0; ws && r < 4; r++) {
			worksheet_write_string(ws, r, 0, rows[r][0], e->bold);
			worksheet_write_string(ws, r, 1, str(e->about, rows[r][1]), NULL);
		}
	}
	if (e->wb && workbook_close(e->wb) != LXW_NO_ERROR)
		rc = zc_write_error(errno);
	if (e->out && fflush(e->out) != 0)
		rc = zc_write_error(errno);
	zc_buf_free(&e->line);
	json_decref(e->about);
	free(e);
	*pe = NULL;
	return rc;
}
