/* stats.c - documents and entries by jurisdiction and year: the reference study's Figures 1-3. */
#include "export.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

#define NJUR 32

/*
 * Counts by year and jurisdiction, for every year a document has: the years seen, ascending,
 * each with its row of counts (a corpus has a few dozen years, so a sorted array does).  A
 * document without a date counts in the totals and as undated, in no year.
 */
typedef struct year_row {
	int year;
	long docs[NJUR];
	long entries[NJUR];
} year_row;

struct zc_stats {
	year_row *rows;
	size_t n, cap;
	long undated[NJUR], undated_entries[NJUR];
	long excluded[9];
	char reasons[9][16];
	size_t nreasons;
	char first[11], last[11];
	long pages;
};

static int jindex(const char *code)
{
	for (int i = 0; ZC_JURISDICTIONS[i]; i++)
		if (!strcmp(ZC_JURISDICTIONS[i], code))
			return i;
	return -1;
}

zc_stats *zc_stats_new(void)
{
	return zc_calloc(1, sizeof(zc_stats));
}

void zc_stats_free(zc_stats **s)
{
	if (*s)
		free((*s)->rows);
	free(*s);
	*s = NULL;
}

/* the row of year y, inserted in order when new */
static year_row *row_of(zc_stats *s, int y)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->rows[mid].year < y)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && s->rows[lo].year == y)
		return &s->rows[lo];
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->rows = zc_realloc(s->rows, s->cap * sizeof *s->rows);
	}
	memmove(&s->rows[lo + 1], &s->rows[lo], (s->n - lo) * sizeof *s->rows);
	s->n++;
	memset(&s->rows[lo], 0, sizeof *s->rows);
	s->rows[lo].year = y;
	return &s->rows[lo];
}

void zc_stats_add(zc_stats *s, const char *jurisdiction, const char *date, long entries)
{
	int ji = jurisdiction ? jindex(jurisdiction) : -1;
	if (ji < 0)
		return;
	int y = date ? zc_year_of(date) : 0;
	if (!y) {
		s->undated[ji]++;
		s->undated_entries[ji] += entries;
		return;
	}
	year_row *r = row_of(s, y);
	r->docs[ji]++;
	r->entries[ji] += entries;
	if (!s->first[0] || strcmp(date, s->first) < 0)
		snprintf(s->first, sizeof s->first, "%s", date);
	if (strcmp(date, s->last) > 0)
		snprintf(s->last, sizeof s->last, "%s", date);
}

void zc_stats_excluded(zc_stats *s, const char *reason)
{
	for (size_t i = 0; i < s->nreasons; i++)
		if (!strcmp(s->reasons[i], reason)) {
			s->excluded[i]++;
			return;
		}
	if (s->nreasons < 9) {
		snprintf(s->reasons[s->nreasons], sizeof s->reasons[0], "%s", reason);
		s->excluded[s->nreasons++] = 1;
	}
}

void zc_stats_page(zc_stats *s)
{
	s->pages++;
}

/* a jurisdiction's documents (entries) over every year, the undated too */
static long sum_j(const zc_stats *s, int ji, int entries)
{
	long n = entries ? s->undated_entries[ji] : s->undated[ji];
	for (size_t y = 0; y < s->n; y++)
		n += entries ? s->rows[y].entries[ji] : s->rows[y].docs[ji];
	return n;
}

/* documents of a year, of every jurisdiction or the provinces' only */
static long sum_y(const year_row *r, int provincial_only)
{
	long n = 0;
	for (int j = provincial_only ? 1 : 0; j < NJUR; j++)
		n += r->docs[j];
	return n;
}

json_t *zc_stats_json(const zc_stats *s)
{
	json_t *o = json_object(), *byp = json_object(), *naty = json_object(), *provy = json_object();
	json_t *pe = json_object(), *py = json_object(), *excl = json_object();
	long nat = sum_j(s, 0, 0), natE = sum_j(s, 0, 1), prov = 0, provE = 0, undated = s->undated[0];
	for (int j = 1; j < NJUR; j++) {
		long n = sum_j(s, j, 0);
		prov += n;
		provE += sum_j(s, j, 1);
		undated += s->undated[j];
		json_object_set_new(byp, zc_province_name(ZC_JURISDICTIONS[j]), json_integer(n));
		json_object_set_new(pe, zc_province_name(ZC_JURISDICTIONS[j]), json_integer(sum_j(s, j, 1)));
		json_t *yy = json_object();
		for (size_t y = 0; y < s->n; y++)
			if (s->rows[y].docs[j]) {
				char k[16];
				snprintf(k, sizeof k, "%d", s->rows[y].year);
				json_object_set_new(yy, k, json_integer(s->rows[y].docs[j]));
			}
		json_object_set_new(py, zc_province_name(ZC_JURISDICTIONS[j]), yy);
	}
	for (size_t y = 0; y < s->n; y++) {
		char k[16];
		snprintf(k, sizeof k, "%d", s->rows[y].year);
		if (s->rows[y].docs[0])
			json_object_set_new(naty, k, json_integer(s->rows[y].docs[0]));
		if (sum_y(&s->rows[y], 1))
			json_object_set_new(provy, k, json_integer(sum_y(&s->rows[y], 1)));
	}
	for (size_t i = 0; i < s->nreasons; i++)
		json_object_set_new(excl, s->reasons[i], json_integer(s->excluded[i]));
	json_object_set_new(o, "documents", json_integer(nat + prov));
	json_object_set_new(o, "national", json_integer(nat));
	json_object_set_new(o, "provincial", json_integer(prov));
	json_object_set_new(o, "entries", json_integer(natE + provE));
	json_object_set_new(o, "national_entries", json_integer(natE));
	json_object_set_new(o, "provincial_entries", json_integer(provE));
	json_object_set_new(o, "undated", json_integer(undated));
	json_object_set_new(o, "pages", json_integer(s->pages));
	json_object_set_new(o, "first_date", json_string(s->first));
	json_object_set_new(o, "last_date", json_string(s->last));
	json_object_set_new(o, "by_province", byp);
	json_object_set_new(o, "entries_by_province", pe);
	json_object_set_new(o, "national_by_year", naty);
	json_object_set_new(o, "provincial_by_year", provy);
	json_object_set_new(o, "province_by_year", py);
	json_object_set_new(o, "excluded", excl);
	return o;
}


static void cell(FILE *out, const char *s, int w, int right)
{
	int pad = w - zc_text_width(s);
	if (right)
		for (int i = 0; i < pad; i++)
			fputc(' ', out);
	fputs(s, out);
	if (!right)
		for (int i = 0; i < pad; i++)
			fputc(' ', out);
}

/* the row of year y, or NULL */
static const year_row *find_row(const zc_stats *s, int y)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].year == y)
			return &s->rows[i];
	return NULL;
}

/* The years a table shows: every year from the first to the last (a year without documents
   shows as such), unless that spans more than 60 years (a date far off, a typing slip on a
   page): then the years with documents only.  A new array of *n years (free it). */
static int *table_years(const zc_stats *s, size_t *n)
{
	*n = 0;
	if (!s->n)
		return NULL;
	int lo = s->rows[0].year, hi = s->rows[s->n - 1].year;
	int dense = hi - lo < 60;
	int *v = zc_calloc(dense ? (size_t)(hi - lo + 1) : s->n, sizeof *v);
	if (dense)
		for (int y = lo; y <= hi; y++)
			v[(*n)++] = y;
	else
		for (size_t i = 0; i < s->n; i++)
			v[(*n)++] = s->rows[i].year;
	return v;
}

static long docs_at(const zc_stats *s, int y, int j)
{
	const year_row *r = find_row(s, y);
	return r ? r->docs[j] : 0;
}

static void number_cell(FILE *out, const char *sep, long v, int csv, int w, int dot)
{
	char b[32];
	snprintf(b, sizeof b, "%ld", v);
	fputs(sep, out);
	cell(out, v || !dot || csv ? b : ".", csv ? 0 : w, 1);
}

/* what a table of the counts is drawn with */
typedef struct stats_table {
	const zc_stats *s;
	FILE *out;
	int csv;
	const char *sep;
	int *years;	/* the years shown, ascending */
	size_t ny;
	long nat, prov, natE, provE, undated;	/* documents and entries, national and provincial */
} stats_table;

/* long form, one row a jurisdiction and year, for a pivot table or pandas; the undated with an
   empty year */
static void stats_long_csv(const zc_stats *s, FILE *out)
{
	fputs("jurisdiction,province,year,documents,entries\r\n", out);
	for (int j = 0; j < NJUR; j++) {
		for (size_t y = 0; y < s->n; y++)
			if (s->rows[y].docs[j])
				fprintf(out, "%s,%s,%d,%ld,%ld\r\n", ZC_JURISDICTIONS[j], zc_province_name(ZC_JURISDICTIONS[j]),
					s->rows[y].year, s->rows[y].docs[j], s->rows[y].entries[j]);
		if (s->undated[j])
			fprintf(out, "%s,%s,,%ld,%ld\r\n", ZC_JURISDICTIONS[j], zc_province_name(ZC_JURISDICTIONS[j]),
				s->undated[j], s->undated_entries[j]);
	}
}

/* the header of the province table: the years (when shown), undated, docs, entries */
static void province_head(const stats_table *t, int show_years, int w)
{
	FILE *out = t->out;
	cell(out, t->csv ? "province" : "", 8, 0);
	for (size_t i = 0; show_years && i < t->ny; i++) {
		char b[16];
		snprintf(b, sizeof b, w == 3 && !t->csv ? "%02d" : "%d", t->years[i] % (w == 3 && !t->csv ? 100 : 10000));
		fputs(t->sep, out);
		cell(out, b, t->csv ? 0 : w, 1);
	}
	if (show_years && t->undated) {
		fputs(t->sep, out);
		cell(out, "undated", t->csv ? 0 : 7, 1);
	}
	fputs(t->sep, out);
	cell(out, "docs", t->csv ? 0 : 5, 1);
	fputs(t->sep, out);
	cell(out, "entries", t->csv ? 0 : 7, 1);
	fputs(t->csv ? "\r\n" : "\n", out);
}

/* a row a jurisdiction (by year when shown), then the provinces' total */
static void by_province(const stats_table *t, int show_years)
{
	const zc_stats *s = t->s;
	FILE *out = t->out;
	int csv = t->csv;
	/* a year column 3 wide ('15) while every year is of one century, else 4 */
	int w = t->ny && t->years[0] / 100 == t->years[t->ny - 1] / 100 ? 3 : 4;
	province_head(t, show_years, w);
	for (int j = 0; j < NJUR; j++) {
		long n = sum_j(s, j, 0);
		if (!n && !csv)
			continue;
		cell(out, zc_province_name(ZC_JURISDICTIONS[j]), csv ? 0 : 8, 0);
		for (size_t i = 0; show_years && i < t->ny; i++)
			number_cell(out, t->sep, docs_at(s, t->years[i], j), csv, w, 1);
		if (show_years && t->undated)
			number_cell(out, t->sep, s->undated[j], csv, 7, 1);
		number_cell(out, t->sep, n, csv, 5, 0);
		number_cell(out, t->sep, sum_j(s, j, 1), csv, 7, 0);
		fputs(csv ? "\r\n" : "\n", out);
	}
	if (!show_years)
		return;
	cell(out, csv ? "provincial" : "省级合计", csv ? 0 : 8, 0);
	for (size_t i = 0; i < t->ny; i++) {
		const year_row *r = find_row(s, t->years[i]);
		number_cell(out, t->sep, r ? sum_y(r, 1) : 0, csv, w, 0);
	}
	if (t->undated)
		number_cell(out, t->sep, t->undated - s->undated[0], csv, 7, 0);
	number_cell(out, t->sep, t->prov, csv, 5, 0);
	number_cell(out, t->sep, t->provE, csv, 7, 0);
	fputs(csv ? "\r\n" : "\n", out);
}

/* a row a year: national and provincial documents */
static void by_year(const stats_table *t)
{
	const zc_stats *s = t->s;
	int csv = t->csv;
	fprintf(t->out, csv ? "year,national,provincial\r\n" : "year  national  provincial\n");
	for (size_t i = 0; i < t->ny; i++) {
		const year_row *r = find_row(s, t->years[i]);
		fprintf(t->out, csv ? "%d,%ld,%ld\r\n" : "%d  %8ld  %10ld\n", t->years[i], r ? r->docs[0] : 0, r ? sum_y(r, 1) : 0);
	}
	if (t->undated)
		fprintf(t->out, csv ? ",%ld,%ld\r\n" : "undated  %4ld  %10ld\n", s->undated[0], t->undated - s->undated[0]);
}

int zc_stats_print(const zc_stats *s, FILE *out, const char *by, enum zc_format fmt)
{
	if (fmt == ZC_FMT_JSON || fmt == ZC_FMT_JSONL) {
		json_t *o = zc_stats_json(s);
		char *t = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(out, "%s\n", t);
		free(t);
		json_decref(o);
		return ZC_OK;
	}
	stats_table t = {.s = s, .out = out, .csv = fmt == ZC_FMT_CSV, .nat = sum_j(s, 0, 0), .natE = sum_j(s, 0, 1)};
	for (int j = 0; j < NJUR; j++) {
		t.undated += s->undated[j];
		if (j) {
			t.prov += sum_j(s, j, 0);
			t.provE += sum_j(s, j, 1);
		}
	}
	t.sep = t.csv ? "," : "  ";
	if (t.csv)	/* UTF-8 with a byte-order mark, as every CSV of zhengce (docs/CSV.md) */
		fputs("\xEF\xBB\xBF", out);
	if (t.csv && (!strcmp(by, "summary") || !strcmp(by, "province-year"))) {
		stats_long_csv(s, out);
		return ZC_OK;
	}
	if (strcmp(by, "summary") && strcmp(by, "province-year") && strcmp(by, "province") && strcmp(by, "year"))
		return ZC_EUSAGE;
	t.years = table_years(s, &t.ny);
	if (!strcmp(by, "summary")) {
		fprintf(out, "documents %ld (national %ld, provincial %ld); entries %ld (national %ld, provincial %ld)\n",
			t.nat + t.prov, t.nat, t.prov, t.natE + t.provE, t.natE, t.provE);
		if (s->first[0])
			fprintf(out, "dated %s to %s\n", s->first, s->last);
		if (t.undated)
			fprintf(out, "undated %ld (counted in the totals, in no year)\n", t.undated);
		by = "province-year";
		fputc('\n', out);
	}
	if (!strcmp(by, "year"))
		by_year(&t);
	else
		by_province(&t, !strcmp(by, "province-year") && t.ny);
	free(t.years);
	if (s->nreasons && !t.csv) {
		fputs("\nexcluded:", out);
		for (size_t i = 0; i < s->nreasons; i++)
			fprintf(out, " %s %ld%s", s->reasons[i], s->excluded[i], i + 1 < s->nreasons ? "," : "");
		fputc('\n', out);
	}
	return ZC_OK;
}
