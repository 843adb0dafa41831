/*
 * report.c - one self-contained HTML file with SVG charts: the reference study's Figures 1-3
 * (national documents by year; documents by province; provincial documents by year and region)
 * with a table beside each, the profile, the crawl date and the exclusions by reason.  No
 * script, no external resource; fonts fall back through the common CJK families.
 */
#include "export.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

static long jint(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

/* a vertical bar chart of (label, value) pairs */
static void bars(FILE *f, const char *title, const char **labels, const long *values, size_t n, const char *color)
{
	long max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	int w = 640, h = 260, left = 40, bottom = 40, top = 20;
	double bw = (double)(w - left - 10) / (double)(n ? n : 1);
	fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", w, h);
	esc(f, title);
	fprintf(f, "\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", left, h - bottom, w - 10, h - bottom);
	for (size_t i = 0; i < n; i++) {
		double bh = (double)(h - bottom - top) * (double)values[i] / (double)max;
		double x = left + bw * (double)i + bw * 0.15;
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %ld</title></rect>",
			x, (double)(h - bottom) - bh, bw * 0.7, bh, color, labels[i], values[i]);
		if (values[i])
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"val\">%ld</text>", x + bw * 0.35, (double)(h - bottom) - bh - 3,
				values[i]);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lab\">", x + bw * 0.35, h - bottom + 14);
		esc(f, labels[i]);
		fputs("</text>", f);
	}
	fputs("</svg>\n", f);
}

static const char *const REGIONS[4] = {"东部", "中部", "西部", "东北"};
static int region_of(const char *code)
{
	static const char *east[] = {"11", "12", "13", "31", "32", "33", "35", "37", "44", "46"};
	static const char *central[] = {"14", "34", "36", "41", "42", "43"};
	static const char *northeast[] = {"21", "22", "23"};
	for (size_t i = 0; i < 10; i++)
		if (!strcmp(code, east[i]))
			return 0;
	for (size_t i = 0; i < 6; i++)
		if (!strcmp(code, central[i]))
			return 1;
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(code, northeast[i]))
			return 3;
	return 2;
}

int zc_report_write(FILE *f, const zc_stats *s, json_t *profile, const char *crawled)
{
	json_t *j = zc_stats_json(s);
	json_t *naty = json_object_get(j, "national_by_year"), *byp = json_object_get(j, "by_province");
	json_t *py = json_object_get(j, "province_by_year"), *pe = json_object_get(j, "entries_by_province");
	int y0 = 9999, y1 = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(j, "provincial_by_year"), k, v) {
		int y = zc_year_of(k);
		y0 = y < y0 ? y : y0;
		y1 = y > y1 ? y : y1;
	}
	json_object_foreach(naty, k, v) {
		int y = zc_year_of(k);
		y0 = y < y0 ? y : y0;
		y1 = y > y1 ? y : y1;
	}
	if (y1 < y0)
		y0 = y1 = 0;
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n<title>zhengce report</title>\n<style>\n"
	      "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\",\"PingFang SC\",\"Hiragino Sans GB\",sans-serif;"
	      "margin:24px auto;max-width:1100px;color:#222;line-height:1.45}\n"
	      "h1{font-size:22px}h2{font-size:17px;margin-top:28px}.fig{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}"
	      ".fig svg{flex:1 1 560px;max-width:660px;height:auto}.fig table{flex:0 1 auto}"
	      "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
	      "th:first-child,td:first-child{text-align:left}.axis{stroke:#555}.lab{font-size:10px;text-anchor:middle;fill:#333}"
	      ".val{font-size:9px;text-anchor:middle;fill:#333}.hlab{font-size:11px;fill:#333;text-anchor:end}"
	      ".heat td{min-width:18px}.meta{color:#555;font-size:13px}.scroll{overflow-x:auto;max-width:100%}\n"
	      "</style></head><body>\n",
	      f);
	fprintf(f, "<h1>政策文件语料 · Policy corpus report</h1>\n<p class=\"meta\">Profile: ");
	const char *pname = json_string_value(json_object_get(profile, "name"));
	const char *psha = json_string_value(json_object_get(profile, "sha256"));
	const char *pwords = json_string_value(json_object_get(profile, "criteria"));
	const char *pver = json_string_value(json_object_get(profile, "zhengce"));
	esc(f, pname ? pname : "");
	if (psha) {
		fprintf(f, " (SHA-256 <code>");
		esc(f, psha);
		fprintf(f, "</code>, selected by zhengce ");
		esc(f, pver ? pver : "");
		fprintf(f, ")<br>Criteria: ");
		esc(f, pwords ? pwords : "");
	}
	fprintf(f, "<br>Crawled: ");
	esc(f, crawled ? crawled : "");
	fprintf(f, "<br>%ld documents (national %ld, provincial %ld), %ld entries; dated %s to %s</p>\n",
		jint(j, "documents"), jint(j, "national"), jint(j, "provincial"), jint(j, "entries"),
		json_string_value(json_object_get(j, "first_date")), json_string_value(json_object_get(j, "last_date")));

	/* Figure 1 */
	size_t n = y1 >= y0 && y1 ? (size_t)(y1 - y0 + 1) : 0;
	const char **labels = zc_calloc(n + 40, sizeof *labels);
	long *values = zc_calloc(n + 40, sizeof *values);
	char (*yl)[8] = zc_calloc(n + 1, sizeof *yl);
	for (size_t i = 0; i < n; i++) {
		snprintf(yl[i], sizeof yl[i], "%d", y0 + (int)i);
		labels[i] = yl[i];
		values[i] = (long)json_integer_value(json_object_get(naty, yl[i]));
	}
	fputs("<h2>Figure 1. National documents by year 国家层面政策文件年度分布</h2><div class=\"fig\">", f);
	bars(f, "national documents by year", labels, values, n, "#c0392b");
	fputs("<table><tr><th>year</th><th>documents</th></tr>", f);
	for (size_t i = 0; i < n; i++)
		if (values[i])
			fprintf(f, "<tr><td>%s</td><td>%ld</td></tr>", labels[i], values[i]);
	fputs("</table></div>\n", f);

	/* Figure 2: provinces, descending */
	size_t np = 0;
	for (int i = 1; ZC_JURISDICTIONS[i]; i++) {
		labels[np] = zc_province_name(ZC_JURISDICTIONS[i]);
		values[np] = (long)json_integer_value(json_object_get(byp, labels[np]));
		np++;
	}
	for (size_t a = 0; a < np; a++)
		for (size_t b = a + 1; b < np; b++)
			if (values[b] > values[a]) {
				long tv = values[a];
				const char *tl = labels[a];
				values[a] = values[b];
				labels[a] = labels[b];
				values[b] = tv;
				labels[b] = tl;
			}
	fputs("<h2>Figure 2. Provincial documents by province 各省政策文件数量</h2><div class=\"fig\">", f);
	{
		long max = values[0] > 0 ? values[0] : 1;
		int w = 640, row = 17, left = 60, h = (int)np * row + 10;
		fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"documents by province\">", w, h);
		for (size_t i = 0; i < np; i++) {
			double bw = (double)(w - left - 40) * (double)values[i] / (double)max;
			int y = 5 + (int)i * row;
			fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"hlab\">%s</text>", left - 6, y + 12, labels[i]);
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#2471a3\"><title>%s: %ld</title></rect>",
				left, y + 2, bw, row - 5, labels[i], values[i]);
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lab\" style=\"text-anchor:start\">%ld</text>", left + bw + 4, y + 12,
				values[i]);
		}
		fputs("</svg>", f);
	}
	fputs("<table><tr><th>province</th><th>documents</th><th>entries</th></tr>", f);
	for (size_t i = 0; i < np; i++)
		fprintf(f, "<tr><td>%s</td><td>%ld</td><td>%ld</td></tr>", labels[i], values[i],
			(long)json_integer_value(json_object_get(pe, labels[i])));
	fputs("</table></div>\n", f);

	/* Figure 3: provincial documents by year, stacked by region; the province x year table */
	fputs("<h2>Figure 3. Provincial documents by year and region 省级政策文件年度与地区分布</h2><div class=\"fig\">", f);
	{
		static const char *const colors[4] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"};
		long (*cell)[4] = zc_calloc(n + 1, sizeof *cell);
		long max = 1;
		for (int i = 1; ZC_JURISDICTIONS[i]; i++) {
			json_t *yy = json_object_get(py, zc_province_name(ZC_JURISDICTIONS[i]));
			int r = region_of(ZC_JURISDICTIONS[i]);
			for (size_t t = 0; t < n; t++)
				cell[t][r] += (long)json_integer_value(json_object_get(yy, yl[t]));
		}
		for (size_t t = 0; t < n; t++) {
			long sum = cell[t][0] + cell[t][1] + cell[t][2] + cell[t][3];
			if (sum > max)
				max = sum;
		}
		int w = 640, h = 300, left = 40, bottom = 60, top = 20;
		double bw = (double)(w - left - 10) / (double)(n ? n : 1);
		fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"provincial documents by year and region\">", w, h);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", left, h - bottom, w - 10, h - bottom);
		for (size_t t = 0; t < n; t++) {
			double x = left + bw * (double)t + bw * 0.15, base = h - bottom;
			long sum = 0;
			for (int r = 0; r < 4; r++) {
				double bh = (double)(h - bottom - top) * (double)cell[t][r] / (double)max;
				base -= bh;
				sum += cell[t][r];
				if (cell[t][r])
					fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %ld</title></rect>",
						x, base, bw * 0.7, bh, colors[r], yl[t], REGIONS[r], cell[t][r]);
			}
			if (sum)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"val\">%ld</text>", x + bw * 0.35, base - 3, sum);
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lab\">%s</text>", x + bw * 0.35, h - bottom + 14, yl[t]);
		}
		for (int r = 0; r < 4; r++)
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"lab\" style=\"text-anchor:start\">%s</text>",
				left + 20 + r * 110, h - 28, colors[r], left + 36 + r * 110, h - 18, REGIONS[r]);
		fputs("</svg>", f);
		free(cell);
	}
	fputs("</div>\n<div class=\"scroll\"><table class=\"heat\"><tr><th>province</th>", f);
	for (size_t t = 0; t < n; t++)
		fprintf(f, "<th>%s</th>", yl[t] + 2);
	fputs("<th>all</th></tr>", f);
	for (int i = 1; ZC_JURISDICTIONS[i]; i++) {
		const char *name = zc_province_name(ZC_JURISDICTIONS[i]);
		json_t *yy = json_object_get(py, name);
		fprintf(f, "<tr><td>%s</td>", name);
		for (size_t t = 0; t < n; t++) {
			long c = (long)json_integer_value(json_object_get(yy, yl[t]));
			int shade = c ? 235 - (int)(c > 10 ? 10 : c) * 15 : 255;
			fprintf(f, "<td style=\"background:rgb(%d,%d,255)\">%s%ld</td>", shade, shade, c ? "" : "", c);
		}
		fprintf(f, "<td>%ld</td></tr>", (long)json_integer_value(json_object_get(byp, name)));
	}
	fputs("</table></div>\n", f);

	/* exclusions */
	fputs("<h2>Exclusions by reason 排除原因</h2><table><tr><th>reason</th><th>pages</th></tr>", f);
	json_object_foreach(json_object_get(j, "excluded"), k, v)
		fprintf(f, "<tr><td>%s</td><td>%ld</td></tr>", k, (long)json_integer_value(v));
	fputs("</table>\n<p class=\"meta\">Year = written date (成文日期), else published date. Made by zhengce "
	      ZC_VERSION ".</p>\n</body></html>\n", f);
	free(labels);
	free(values);
	free(yl);
	json_decref(j);
	return ferror(f) ? ZC_EIO : ZC_OK;
}
