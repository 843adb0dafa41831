/* stats.c - documents and entries by jurisdiction and year: the reference study's Figures 1-3. */
#include "export.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

#define Y0 1990
#define NY 80
#define NJUR 32

struct zc_stats {
	long docs[NJUR][NY];
	long entries[NJUR][NY];
	long excluded[9];
	char reasons[9][16];
	size_t nreasons;
	char first[11], last[11];
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
	free(*s);
	*s = NULL;
}

void zc_stats_add(zc_stats *s, const char *jurisdiction, const char *date, long entries)
{
	if (!date || !*date || !jurisdiction)
		return;
	int ji = jindex(jurisdiction), y = zc_year_of(date) - Y0;
	if (ji < 0 || y < 0 || y >= NY)
		return;
	s->docs[ji][y]++;
	s->entries[ji][y] += entries;
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

static long sum_j(const zc_stats *s, int ji, const long (*m)[NY])
{
	long n = 0;
	for (int y = 0; y < NY; y++)
		n += m[ji][y];
	(void)s;
	return n;
}

static long sum_y(int y, const long (*m)[NY], int provincial_only)
{
	long n = 0;
	for (int j = provincial_only ? 1 : 0; j < NJUR; j++)
		n += m[j][y];
	return n;
}

json_t *zc_stats_json(const zc_stats *s)
{
	json_t *o = json_object(), *byp = json_object(), *naty = json_object(), *provy = json_object();
	json_t *pe = json_object(), *py = json_object(), *excl = json_object();
	long nat = sum_j(s, 0, s->docs), natE = sum_j(s, 0, s->entries), prov = 0, provE = 0;
	for (int j = 1; j < NJUR; j++) {
		long n = sum_j(s, j, s->docs);
		prov += n;
		provE += sum_j(s, j, s->entries);
		json_object_set_new(byp, zc_province_name(ZC_JURISDICTIONS[j]), json_integer(n));
		json_object_set_new(pe, zc_province_name(ZC_JURISDICTIONS[j]), json_integer(sum_j(s, j, s->entries)));
		json_t *yy = json_object();
		for (int y = 0; y < NY; y++)
			if (s->docs[j][y]) {
				char k[8];
				snprintf(k, sizeof k, "%d", Y0 + y);
				json_object_set_new(yy, k, json_integer(s->docs[j][y]));
			}
		json_object_set_new(py, zc_province_name(ZC_JURISDICTIONS[j]), yy);
	}
	for (int y = 0; y < NY; y++) {
		char k[8];
		snprintf(k, sizeof k, "%d", Y0 + y);
		if (s->docs[0][y])
			json_object_set_new(naty, k, json_integer(s->docs[0][y]));
		if (sum_y(y, s->docs, 1))
			json_object_set_new(provy, k, json_integer(sum_y(y, s->docs, 1)));
	}
	for (size_t i = 0; i < s->nreasons; i++)
		json_object_set_new(excl, s->reasons[i], json_integer(s->excluded[i]));
	json_object_set_new(o, "documents", json_integer(nat + prov));
	json_object_set_new(o, "national", json_integer(nat));
	json_object_set_new(o, "provincial", json_integer(prov));
	json_object_set_new(o, "entries", json_integer(natE + provE));
	json_object_set_new(o, "national_entries", json_integer(natE));
	json_object_set_new(o, "provincial_entries", json_integer(provE));
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

/* display width of UTF-8 text: CJK counts 2 */
static int width(const char *s)
{
	int w = 0;
	while (*s) {
		unsigned cp;
		s += zc_utf8_next(s, &cp);
		w += cp >= 0x1100 ? 2 : 1;
	}
	return w;
}

static void cell(FILE *out, const char *s, int w, int right)
{
	int pad = w - width(s);
	if (right)
		for (int i = 0; i < pad; i++)
			fputc(' ', out);
	fputs(s, out);
	if (!right)
		for (int i = 0; i < pad; i++)
			fputc(' ', out);
}

static void year_range(const zc_stats *s, int *lo, int *hi)
{
	*lo = NY;
	*hi = -1;
	for (int j = 0; j < NJUR; j++)
		for (int y = 0; y < NY; y++)
			if (s->docs[j][y]) {
				if (y < *lo)
					*lo = y;
				if (y > *hi)
					*hi = y;
			}
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
	int csv = fmt == ZC_FMT_CSV;
	int lo, hi;
	year_range(s, &lo, &hi);
	long nat = sum_j(s, 0, s->docs), prov = 0, natE = sum_j(s, 0, s->entries), provE = 0;
	for (int j = 1; j < NJUR; j++) {
		prov += sum_j(s, j, s->docs);
		provE += sum_j(s, j, s->entries);
	}
	const char *sep = csv ? "," : "  ";
	if (csv)	/* UTF-8 with a byte-order mark, as every CSV of zhengce (docs/CSV.md) */
		fputs("\xEF\xBB\xBF", out);
	if (csv && (!strcmp(by, "summary") || !strcmp(by, "province-year"))) {
		/* long form, one row a jurisdiction and year, for a pivot table or pandas */
		fputs("jurisdiction,province,year,documents,entries\r\n", out);
		for (int j = 0; j < NJUR; j++)
			for (int y = 0; y < NY; y++)
				if (s->docs[j][y])
					fprintf(out, "%s,%s,%d,%ld,%ld\r\n", ZC_JURISDICTIONS[j], zc_province_name(ZC_JURISDICTIONS[j]),
						Y0 + y, s->docs[j][y], s->entries[j][y]);
		return ZC_OK;
	}
	if (!strcmp(by, "summary")) {
		fprintf(out, "documents %ld (national %ld, provincial %ld); entries %ld (national %ld, provincial %ld)\n",
			nat + prov, nat, prov, natE + provE, natE, provE);
		if (s->first[0])
			fprintf(out, "dated %s to %s\n", s->first, s->last);
		by = "province-year";
		fputc('\n', out);
	}
	if (!strcmp(by, "province-year") || !strcmp(by, "province")) {
		int years = !strcmp(by, "province-year") && hi >= lo;
		/* header */
		cell(out, csv ? "province" : "", 8, 0);
		if (years)
			for (int y = lo; y <= hi; y++) {
				char b[16];
				snprintf(b, sizeof b, "%d", Y0 + y);
				fputs(sep, out);
				cell(out, csv ? b : b + 2, csv ? 0 : 3, 1);
			}
		fputs(sep, out);
		cell(out, "docs", csv ? 0 : 5, 1);
		fputs(sep, out);
		cell(out, "entries", csv ? 0 : 7, 1);
		fputs(csv ? "\r\n" : "\n", out);
		for (int j = 0; j < NJUR; j++) {
			long n = sum_j(s, j, s->docs);
			if (!n && !csv)
				continue;
			cell(out, zc_province_name(ZC_JURISDICTIONS[j]), csv ? 0 : 8, 0);
			if (years)
				for (int y = lo; y <= hi; y++) {
					char b[16];
					snprintf(b, sizeof b, "%ld", s->docs[j][y]);
					fputs(sep, out);
					cell(out, s->docs[j][y] || csv ? b : ".", csv ? 0 : 3, 1);
				}
			char b[32];
			snprintf(b, sizeof b, "%ld", n);
			fputs(sep, out);
			cell(out, b, csv ? 0 : 5, 1);
			snprintf(b, sizeof b, "%ld", sum_j(s, j, s->entries));
			fputs(sep, out);
			cell(out, b, csv ? 0 : 7, 1);
			fputs(csv ? "\r\n" : "\n", out);
		}
		if (years) {
			cell(out, csv ? "provincial" : "省级合计", csv ? 0 : 8, 0);
			for (int y = lo; y <= hi; y++) {
				char b[16];
				snprintf(b, sizeof b, "%ld", sum_y(y, s->docs, 1));
				fputs(sep, out);
				cell(out, b, csv ? 0 : 3, 1);
			}
			char b[32];
			snprintf(b, sizeof b, "%ld", prov);
			fputs(sep, out);
			cell(out, b, csv ? 0 : 5, 1);
			snprintf(b, sizeof b, "%ld", provE);
			fputs(sep, out);
			cell(out, b, csv ? 0 : 7, 1);
			fputs(csv ? "\r\n" : "\n", out);
		}
	} else if (!strcmp(by, "year")) {
		fprintf(out, csv ? "year,national,provincial\r\n" : "year  national  provincial\n");
		for (int y = lo; y <= hi; y++)
			fprintf(out, csv ? "%d,%ld,%ld\r\n" : "%d  %8ld  %10ld\n", Y0 + y, s->docs[0][y], sum_y(y, s->docs, 1));
	} else {
		return ZC_EUSAGE;
	}
	if (s->nreasons && !csv) {
		fputs("\nexcluded:", out);
		for (size_t i = 0; i < s->nreasons; i++)
			fprintf(out, " %s %ld%s", s->reasons[i], s->excluded[i], i + 1 < s->nreasons ? "," : "");
		fputc('\n', out);
	}
	return ZC_OK;
}
