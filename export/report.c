/*
 * report.c - the paper's figures and tables in one self-contained HTML file: Figure 1 national
 * documents by year, Figure 2 the provinces as dots on a longitude-latitude grid of China,
 * Figure 3 provincial documents by year and region, the flow from pages fetched through the
 * exclusions to documents and entries (PRISMA-style), and the methods (criteria, keywords, sites
 * and crawl dates, versions).  Each figure is an SVG written by zc_report_figure(): the same
 * text inline in the report and, standalone, in report --figures.  No script, no external
 * resource; fonts fall back through the common CJK families.
 *
 * Every mark that stands for a count carries it as data-count (and a <title> a reader sees on
 * hovering), with data-year, data-code, data-region or data-stage saying what it counts: the
 * tests read the numbers back from the SVG and compare them with the mirror's truth.
 */
#include "export.h"
#include "../common/zc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the capitals of data/provinces.tsv: code, latitude, longitude */
static const struct {
	const char *code;
	double lat, lon;
} CAPITALS[] = {
#include "provinces.inc"
};
#define NCAP (sizeof CAPITALS / sizeof CAPITALS[0])


static long jint(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

/* what every figure's SVG carries, so that a figure stands alone as a file */
static void svg_open(FILE *f, int w, int h, const char *label)
{
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
		w, h, w, h);
	zc_xml_write(f, label);
	fputs("\"><style>text{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\","
	      "\"PingFang SC\",\"Hiragino Sans GB\",sans-serif;fill:#333}.axis{stroke:#555}.grid{stroke:#ddd;stroke-width:0.6}"
	      ".lab{font-size:10px;text-anchor:middle}.val{font-size:9px;text-anchor:middle}.name{font-size:9px;paint-order:stroke;stroke:#fff;stroke-width:2.5px;stroke-linejoin:round}"
	      ".box{fill:#f4f6f8;stroke:#7f8c8d}.big{font-size:13px;font-weight:bold}.small{font-size:10px}"
	      "</style><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>",
	      f);
}

/* the years of the figures: every year from the first to the last with documents */
typedef struct years {
	int y0;
	size_t n;
	char (*label)[8];
} years;

static years years_of(json_t *j)
{
	years y = {9999, 0, NULL};
	int y1 = 0;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(j, "provincial_by_year"), k, v) {
		int t = zc_year_of(k);
		y.y0 = t < y.y0 ? t : y.y0;
		y1 = t > y1 ? t : y1;
	}
	json_object_foreach(json_object_get(j, "national_by_year"), k, v) {
		int t = zc_year_of(k);
		y.y0 = t < y.y0 ? t : y.y0;
		y1 = t > y1 ? t : y1;
	}
	if (y1 >= y.y0 && y1)
		y.n = (size_t)(y1 - y.y0 + 1);
	y.label = zc_calloc(y.n + 1, sizeof *y.label);
	for (size_t i = 0; i < y.n; i++)
		snprintf(y.label[i], sizeof y.label[i], "%d", y.y0 + (int)i);
	return y;
}

/* Figure 1: national documents by year, a vertical bar a year */
static void fig_years(FILE *f, json_t *j, const years *y)
{
	json_t *naty = json_object_get(j, "national_by_year");
	long max = 1;
	for (size_t i = 0; i < y->n; i++) {
		long v = jint(naty, y->label[i]);
		max = v > max ? v : max;
	}
	int w = 640, h = 260, left = 40, bottom = 40, top = 20;
	double bw = (double)(w - left - 10) / (double)(y->n ? y->n : 1);
	svg_open(f, w, h, "Figure 1. national documents by year");
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", left, h - bottom, w - 10, h - bottom);
	for (size_t i = 0; i < y->n; i++) {
		long v = jint(naty, y->label[i]);
		double bh = (double)(h - bottom - top) * (double)v / (double)max;
		double x = left + bw * (double)i + bw * 0.15;
		fprintf(f, "<rect data-year=\"%s\" data-count=\"%ld\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c0392b\">"
			"<title>%s: %ld</title></rect>",
			y->label[i], v, x, (double)(h - bottom) - bh, bw * 0.7, bh, y->label[i], v);
		if (v)
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"val\">%ld</text>", x + bw * 0.35, (double)(h - bottom) - bh - 3, v);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lab\">%s</text>", x + bw * 0.35, h - bottom + 14, y->label[i]);
	}
	fputs("</svg>\n", f);
}

/*
 * Figure 2: each province a dot at its capital, on an equirectangular grid scaled by the cosine
 * of 36°N (China's middle latitude), 73-135°E and 17-54°N.  A dot's area grows with the count,
 * r = 2.5 + 11.5 * sqrt(count / max), and its colour runs from #fde0c5 (few) to #b30000 (the
 * most); a province without documents is a hollow dot of r 2.  The national documents stand in
 * a box at the lower left, their dot on the same scale.  The labels come after every dot, so
 * that none hides under a neighbour's dot.
 */
#define MAP_K 11.0
#define MAP_W 600
#define MAP_H 440
static double map_x(double lon)
{
	return 20.0 + (lon - 73.0) * MAP_K * 0.809017;
}

static double map_y(double lat)
{
	return 20.0 + (54.0 - lat) * MAP_K;
}

static double dot_r(long c, long max)
{
	return c > 0 ? 2.5 + 11.5 * sqrt((double)c / (double)max) : 2.0;
}

static void dot_fill(char out[8], long c, long max)
{
	double t = c > 0 ? (double)c / (double)max : 0;
	int r = (int)lround(0xfd + (0xb3 - 0xfd) * t), g = (int)lround(0xe0 + (0x00 - 0xe0) * t),
	    b = (int)lround(0xc5 + (0x00 - 0xc5) * t);
	snprintf(out, 8, "#%02x%02x%02x", r, g, b);
}

static void dot(FILE *f, const char *code, const char *name, double x, double y, long c, long max)
{
	char fill[8];
	dot_fill(fill, c, max);
	fprintf(f, "<circle data-code=\"%s\" data-count=\"%ld\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.2f\" fill=\"%s\" "
		"fill-opacity=\"0.85\" stroke=\"%s\" stroke-width=\"0.8\"><title>%s: %ld</title></circle>",
		code, c, x, y, dot_r(c, max), c > 0 ? fill : "#ffffff", c > 0 ? "#7b241c" : "#999", name, c);
}

/* a dot's label, right of it, or left where the capital's eastern neighbour is close (山西 beside
   河北, 安徽 beside 江苏, 青海 beside 甘肃) */
static void dot_label(FILE *f, const char *code, const char *name, double x, double y, long c, long max)
{
	int left = !strcmp(code, "14") || !strcmp(code, "34") || !strcmp(code, "63");
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"name\"%s>%s %ld</text>", left ? x - dot_r(c, max) - 2 : x + dot_r(c, max) + 2,
		y + 3, left ? " style=\"text-anchor:end\"" : "", name, c);
}

static void fig_map(FILE *f, json_t *j)
{
	json_t *byp = json_object_get(j, "by_province");
	long max = 1, national = jint(j, "national");
	for (size_t i = 0; i < NCAP; i++) {
		long v = jint(byp, zc_province_name(CAPITALS[i].code));
		max = v > max ? v : max;
	}
	max = national > max ? national : max;
	svg_open(f, MAP_W, MAP_H + 20, "Figure 2. documents by province");
	for (int lon = 80; lon <= 130; lon += 10)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" "
			"class=\"lab\" style=\"fill:#999\">%d°E</text>",
			map_x(lon), map_y(54), map_x(lon), map_y(17), map_x(lon), map_y(17) + 12, lon);
	for (int lat = 20; lat <= 50; lat += 10)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" "
			"class=\"small\" style=\"fill:#999\">%d°N</text>",
			map_x(73), map_y(lat), map_x(135), map_y(lat), map_x(73) + 2, map_y(lat) - 2, lat);
	/* the biggest dots first, so that a small one is never hidden under a big neighbour */
	size_t order[NCAP];
	for (size_t i = 0; i < NCAP; i++)
		order[i] = i;
	for (size_t a = 0; a < NCAP; a++)
		for (size_t b = a + 1; b < NCAP; b++)
			if (jint(byp, zc_province_name(CAPITALS[order[b]].code)) > jint(byp, zc_province_name(CAPITALS[order[a]].code))) {
				size_t t = order[a];
				order[a] = order[b];
				order[b] = t;
			}
	for (size_t k = 0; k < NCAP; k++) {
		size_t i = order[k];
		const char *name = zc_province_name(CAPITALS[i].code);
		dot(f, CAPITALS[i].code, name, map_x(CAPITALS[i].lon), map_y(CAPITALS[i].lat), jint(byp, name), max);
	}
	for (size_t i = 0; i < NCAP; i++) {
		const char *name = zc_province_name(CAPITALS[i].code);
		dot_label(f, CAPITALS[i].code, name, map_x(CAPITALS[i].lon), map_y(CAPITALS[i].lat), jint(byp, name), max);
	}
	/* the national documents, on the same scale */
	double bx = map_x(74), by = map_y(24);
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"150\" height=\"64\" class=\"box\"/>", bx, by);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"small\">national 国家层面</text>", bx + 6, by + 14);
	dot(f, "00", "国家", bx + 30, by + 40, national, max);
	dot_label(f, "00", "国家", bx + 30, by + 40, national, max);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"small\" style=\"fill:#777\">Dot area by documents; positions: provincial capitals "
		"(GeoNames, CC BY 4.0)</text>",
		20.0, (double)MAP_H + 14);
	fputs("</svg>\n", f);
}

/* Figure 3: provincial documents by year, stacked by region */
static void fig_regions(FILE *f, json_t *j, const years *y)
{
	static const char *const colors[ZC_NREGIONS] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"};
	json_t *py = json_object_get(j, "province_by_year");
	long (*cell)[ZC_NREGIONS] = zc_calloc(y->n + 1, sizeof *cell);
	long max = 1;
	for (int i = 1; ZC_JURISDICTIONS[i]; i++) {
		json_t *yy = json_object_get(py, zc_province_name(ZC_JURISDICTIONS[i]));
		int r = zc_province_region(ZC_JURISDICTIONS[i]);
		for (size_t t = 0; t < y->n; t++)
			cell[t][r] += jint(yy, y->label[t]);
	}
	for (size_t t = 0; t < y->n; t++) {
		long sum = 0;
		for (int r = 0; r < ZC_NREGIONS; r++)
			sum += cell[t][r];
		max = sum > max ? sum : max;
	}
	int w = 640, h = 300, left = 40, bottom = 60, top = 20;
	double bw = (double)(w - left - 10) / (double)(y->n ? y->n : 1);
	svg_open(f, w, h, "Figure 3. provincial documents by year and region");
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", left, h - bottom, w - 10, h - bottom);
	for (size_t t = 0; t < y->n; t++) {
		double x = left + bw * (double)t + bw * 0.15, base = h - bottom;
		long sum = 0;
		for (int r = 0; r < ZC_NREGIONS; r++) {
			double bh = (double)(h - bottom - top) * (double)cell[t][r] / (double)max;
			base -= bh;
			sum += cell[t][r];
			if (cell[t][r])
				fprintf(f, "<rect data-year=\"%s\" data-region=\"%s\" data-count=\"%ld\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
					"height=\"%.1f\" fill=\"%s\"><title>%s %s: %ld</title></rect>",
					y->label[t], zc_region_name(r), cell[t][r], x, base, bw * 0.7, bh, colors[r], y->label[t],
					zc_region_label(r), cell[t][r]);
		}
		if (sum)
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"val\">%ld</text>", x + bw * 0.35, base - 3, sum);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lab\">%s</text>", x + bw * 0.35, h - bottom + 14, y->label[t]);
	}
	for (int r = 0; r < ZC_NREGIONS; r++)
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"lab\" "
			"style=\"text-anchor:start\">%s %s</text>",
			left + 20 + r * 140, h - 28, colors[r], left + 36 + r * 140, h - 18, zc_region_label(r), zc_region_name(r));
	fputs("</svg>\n", f);
	free(cell);
}

/* a box of the flow: a stage, its count, its words */
static void flow_box(FILE *f, double x, double y, double w, const char *stage, const char *reason, long n, const char *words)
{
	fprintf(f, "<g data-stage=\"%s\"", stage);
	if (reason)
		fprintf(f, " data-reason=\"%s\"", reason);
	fprintf(f, " data-count=\"%ld\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"40\" rx=\"3\" class=\"box\"/>"
		"<text x=\"%.1f\" y=\"%.1f\" class=\"small\">",
		n, x, y, w, x + 8, y + 16);
	zc_xml_write(f, words);
	fprintf(f, "</text><text x=\"%.1f\" y=\"%.1f\" class=\"big\">%ld</text></g>", x + 8, y + 33, n);
}

static void arrow(FILE *f, double x1, double y1, double x2, double y2)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\" marker-end=\"url(#arrow)\"/>", x1, y1, x2, y2);
}

/* the words of an exclusion reason (select's reasons, docs/PROFILE.md) */
static const char *reason_words(const char *r)
{
	static const struct {
		const char *reason, *words;
	} W[] = {
		{"off-topic", "off the topic 主题不符"}, {"type", "not a qualifying type 文种不符"},
		{"issuer", "not a qualifying issuer 发文机关不符"}, {"interpretation", "interpretation 政策解读"},
		{"forwarded", "forwarded notice 转发"}, {"invalid", "invalid or abolished 失效、废止"},
		{"duplicate", "copy of another page 重复"}, {"out-of-range", "out of the date range 时间不符"},
		{"unparseable", "not readable as a document 无法解析"},
	};
	for (size_t i = 0; i < sizeof W / sizeof W[0]; i++)
		if (!strcmp(W[i].reason, r))
			return W[i].words;
	return r;
}

/*
 * The flow: the pages the crawl stored (every article page, one a URL: the decision records of
 * the published selection), the exclusions by reason beside, the included documents (national,
 * provincial) and their entries below.
 */
static void fig_flow(FILE *f, json_t *j)
{
	json_t *excl = json_object_get(j, "excluded");
	long excluded = 0, n = (long)json_object_size(excl);
	const char *k;
	json_t *v;
	json_object_foreach(excl, k, v)
		excluded += (long)json_integer_value(v);
	long docs = jint(j, "documents"), pages = jint(j, "pages");
	/* a page with neither (a selection older than its reasons): shown, so that the flow adds up */
	long other = pages - docs - excluded;
	n += other > 0;
	int h = 330 > 76 + (int)n * 46 ? 330 : 76 + (int)n * 46;
	svg_open(f, 640, h, "Flow of pages to documents and entries");
	fputs("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
	      "orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#555\"/></marker></defs>",
	      f);
	flow_box(f, 20, 20, 250, "pages", NULL, pages, "article pages fetched 获取的文章页面");
	arrow(f, 145, 60, 145, 128);
	flow_box(f, 20, 130, 250, "included", NULL, docs, "documents included 纳入的政策文件");
	flow_box(f, 20, 200, 120, "national", NULL, jint(j, "national"), "national 国家");
	flow_box(f, 150, 200, 120, "provincial", NULL, jint(j, "provincial"), "provincial 省级");
	arrow(f, 145, 170, 145, 198);
	arrow(f, 145, 240, 145, 268);
	flow_box(f, 20, 270, 250, "entries", NULL, jint(j, "entries"), "entries 条目");
	arrow(f, 270, 40, 338, 40);
	flow_box(f, 340, 20, 280, "excluded", NULL, excluded, "excluded 排除");
	long i = 0;
	json_object_foreach(excl, k, v) {
		flow_box(f, 360, 66 + (double)i * 46, 260, "excluded", k, (long)json_integer_value(v), reason_words(k));
		i++;
	}
	if (other > 0)
		flow_box(f, 360, 66 + (double)i * 46, 260, "undecided", NULL, other, "no decision recorded 未判定");
	fputs("</svg>\n", f);
}

static const char *const FIGURE_NAMES[ZC_NFIGURES] = {"figure1-national-by-year", "figure2-provinces-map",
						      "figure3-provincial-by-year-region", "flow-pages-to-entries"};

const char *zc_figure_name(int fig)
{
	return fig >= 0 && fig < ZC_NFIGURES ? FIGURE_NAMES[fig] : NULL;
}

int zc_report_figure(FILE *f, int fig, const zc_stats *s)
{
	json_t *j = zc_stats_json(s);
	years y = years_of(j);
	switch (fig) {
	case ZC_FIG_YEARS: fig_years(f, j, &y); break;
	case ZC_FIG_MAP: fig_map(f, j); break;
	case ZC_FIG_REGIONS: fig_regions(f, j, &y); break;
	case ZC_FIG_FLOW: fig_flow(f, j); break;
	default: break;
	}
	free(y.label);
	json_decref(j);
	return fig < 0 || fig >= ZC_NFIGURES ? ZC_EUSAGE : ferror(f) ? ZC_EIO : ZC_OK;
}

/* the methods: what was searched, how it was selected, where and when it was crawled */
static void methods(FILE *f, json_t *j, const zc_profile_record *profile, json_t *about)
{
	fputs("<h2>Methods 方法</h2><table class=\"methods\">", f);
	fputs("<tr><th>profile 方案</th><td>", f);
	zc_xml_write(f, profile->name);
	if (*profile->sha256) {
		fputs("<br>SHA-256 <code>", f);
		zc_xml_write(f, profile->sha256);
		fputs("</code>", f);
	}
	fputs("</td></tr><tr><th>search keywords 检索词</th><td>", f);
	json_t *kw = json_object_get(about, "keywords");
	for (size_t i = 0; i < json_array_size(kw); i++) {
		if (i)
			fputs("、", f);
		zc_xml_write(f, json_string_value(json_array_get(kw, i)));
	}
	fputs("</td></tr><tr><th>criteria 纳入与排除标准</th><td>", f);
	zc_xml_write(f, profile->criteria);
	fprintf(f, "</td></tr><tr><th>documents dated 文件日期</th><td>%s to %s (written date 成文日期, else published date)</td></tr>",
		zc_jstr(j, "first_date"), zc_jstr(j, "last_date"));
	json_t *sites = json_object_get(about, "sites");
	const char *first = NULL, *last = NULL;
	for (size_t i = 0; i < json_array_size(sites); i++) {
		const char *c = zc_jstr(json_array_get(sites, i), "complete");
		if (*c && (!first || strcmp(c, first) < 0))
			first = c;
		if (*c && (!last || strcmp(c, last) > 0))
			last = c;
	}
	fprintf(f, "<tr><th>sites 网站</th><td>%zu sites: ", json_array_size(sites));
	for (size_t i = 0; i < json_array_size(sites); i++) {
		if (i)
			fputs(", ", f);
		zc_xml_write(f, zc_jstr(json_array_get(sites, i), "host"));
	}
	fputs("</td></tr><tr><th>crawled 采集</th><td>", f);
	if (first) {
		fputs("sites' last complete crawls started ", f);
		zc_xml_write(f, first);
		if (strcmp(first, last)) {
			fputs(" to ", f);
			zc_xml_write(f, last);
		}
		fputs("; ", f);
	}
	fputs("last crawl ", f);
	zc_xml_write(f, zc_jstr(about, "crawled"));
	fputs("</td></tr><tr><th>versions 版本</th><td>selected by zhengce ", f);
	zc_xml_write(f, *profile->zhengce ? profile->zhengce : "(not recorded)");
	fputs("; report by zhengce " ZC_VERSION "</td></tr></table>\n", f);
}

/* the page's head, its style and the corpus in one line */
static void report_head(FILE *f, json_t *j, const zc_profile_record *profile)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>zhengce report</title>\n<style>\n"
	      "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\",\"PingFang SC\",\"Hiragino Sans GB\",sans-serif;"
	      "margin:24px auto;max-width:1100px;color:#222;line-height:1.45}\n"
	      "h1{font-size:22px}h2{font-size:17px;margin-top:28px}.fig{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}"
	      ".fig svg{flex:1 1 560px;max-width:660px;height:auto}.fig table{flex:0 1 auto}"
	      "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
	      "th:first-child,td:first-child{text-align:left}.methods td{text-align:left;max-width:800px}td.trace{text-align:left;font-size:11px;color:#444}"
	      ".heat td{min-width:18px}.meta{color:#555;font-size:13px}.scroll{overflow-x:auto;max-width:100%}\n"
	      "</style></head><body>\n",
	      f);
	fprintf(f, "<h1>政策文件语料 · Policy corpus report</h1>\n<p class=\"meta\">");
	zc_xml_write(f, profile->name);
	fprintf(f, "<br>%ld documents (national %ld, provincial %ld), %ld entries; dated %s to %s</p>\n", jint(j, "documents"),
		jint(j, "national"), jint(j, "provincial"), jint(j, "entries"), zc_jstr(j, "first_date"), zc_jstr(j, "last_date"));
}

/* Figure 1: national documents by year, with its table */
static void report_fig1(FILE *f, json_t *j, const years *yp)
{
	const years y = *yp;
	json_t *naty = json_object_get(j, "national_by_year");
	fputs("<h2>Figure 1. National documents by year 国家层面政策文件年度分布</h2><div class=\"fig\">", f);
	fig_years(f, j, yp);
	fputs("<table><tr><th>year</th><th>documents</th></tr>", f);
	for (size_t i = 0; i < y.n; i++)
		if (jint(naty, y.label[i]))
			fprintf(f, "<tr><td>%s</td><td>%ld</td></tr>", y.label[i], jint(naty, y.label[i]));
	fputs("</table></div>\n", f);
}

/* Figure 2, with the provinces in descending order beside */
static void report_fig2(FILE *f, json_t *j)
{
	json_t *byp = json_object_get(j, "by_province"), *pe = json_object_get(j, "entries_by_province");
	const char *names[40];
	size_t np = 0;
	for (int i = 1; ZC_JURISDICTIONS[i]; i++)
		names[np++] = zc_province_name(ZC_JURISDICTIONS[i]);
	for (size_t a = 0; a < np; a++)
		for (size_t b = a + 1; b < np; b++)
			if (jint(byp, names[b]) > jint(byp, names[a])) {
				const char *t = names[a];
				names[a] = names[b];
				names[b] = t;
			}
	fputs("<h2>Figure 2. Documents by province 各省政策文件数量</h2><div class=\"fig\">", f);
	fig_map(f, j);
	fputs("<table><tr><th>province</th><th>documents</th><th>entries</th></tr>", f);
	fprintf(f, "<tr><td>国家 (national)</td><td>%ld</td><td>%ld</td></tr>", jint(j, "national"), jint(j, "national_entries"));
	for (size_t i = 0; i < np; i++)
		fprintf(f, "<tr><td>%s</td><td>%ld</td><td>%ld</td></tr>", names[i], jint(byp, names[i]), jint(pe, names[i]));
	fputs("</table></div>\n", f);
}

/* Figure 3, with the province x year table */
static void report_fig3(FILE *f, json_t *j, const years *yp)
{
	const years y = *yp;
	json_t *byp = json_object_get(j, "by_province");
	json_t *py = json_object_get(j, "province_by_year");
	fputs("<h2>Figure 3. Provincial documents by year and region 省级政策文件年度与地区分布</h2><div class=\"fig\">", f);
	fig_regions(f, j, yp);
	fputs("</div>\n<div class=\"scroll\"><table class=\"heat\"><tr><th>province</th>", f);
	for (size_t t = 0; t < y.n; t++)
		fprintf(f, "<th>%s</th>", y.label[t] + 2);
	fputs("<th>all</th></tr>", f);
	for (int i = 1; ZC_JURISDICTIONS[i]; i++) {
		const char *name = zc_province_name(ZC_JURISDICTIONS[i]);
		json_t *yy = json_object_get(py, name);
		fprintf(f, "<tr><td>%s</td>", name);
		for (size_t t = 0; t < y.n; t++) {
			long c = jint(yy, y.label[t]);
			int shade = c ? 235 - (int)(c > 10 ? 10 : c) * 15 : 255;
			fprintf(f, "<td style=\"background:rgb(%d,%d,255)\">%ld</td>", shade, shade, c);
		}
		fprintf(f, "<td>%ld</td></tr>", jint(byp, name));
	}
	fputs("</table></div>\n", f);
}

/* from pages to entries, and the exclusions */
static void report_flow(FILE *f, json_t *j)
{
	fputs("<h2>From pages to entries 文件筛选流程</h2><div class=\"fig\">", f);
	fig_flow(f, j);
	fputs("<table><tr><th>excluded because</th><th>pages</th></tr>", f);
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(j, "excluded"), k, v) {
		fputs("<tr><td>", f);
		zc_xml_write(f, reason_words(k));
		fprintf(f, "</td><td>%ld</td></tr>", (long)json_integer_value(v));
	}
	fputs("</table></div>\n", f);
}

int zc_report_write(FILE *f, const zc_stats *s, const zc_profile_record *profile, json_t *about)
{
	zc_profile_record p;	/* NULL and NULL strings read as "" */
	zc_profile_record_init(&p);
	if (profile) {
		p.name = profile->name ? profile->name : "";
		p.sha256 = profile->sha256 ? profile->sha256 : "";
		p.criteria = profile->criteria ? profile->criteria : "";
		p.zhengce = profile->zhengce ? profile->zhengce : "";
	}
	json_t *j = zc_stats_json(s);
	years y = years_of(j);
	report_head(f, j, &p);
	report_fig1(f, j, &y);
	report_fig2(f, j);
	report_fig3(f, j, &y);
	report_flow(f, j);

	/* what the codes say (analysis.h zc_analysis_report_html), when the entries are coded */
	const char *codes = json_string_value(json_object_get(about, "codes_html"));
	if (codes)
		fputs(codes, f);

	methods(f, j, &p, about);
	fputs("<p class=\"meta\">Year = written date (成文日期), else published date. Figure 2 places each province at its "
	      "capital (coordinates: GeoNames, CC BY 4.0); it draws no borders. Made by zhengce " ZC_VERSION ".</p>\n"
	      "</body></html>\n",
	      f);
	free(y.label);
	json_decref(j);
	return ferror(f) ? ZC_EIO : ZC_OK;
}
