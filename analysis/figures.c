/*
 * figures.c - what the report shows of the codes: the network drawn as SVG (a circle of nodes,
 * the communities side by side), the category frequencies, the top codes with the entries
 * behind each count.
 *
 * As in the report's other figures, every mark standing for a number carries it in data-*
 * attributes (data-code and data-count on a node, data-source, data-target, data-weight and
 * data-flows on an edge) for the tests and for a reader of the SVG.
 */
#include "analysis.h"
#include "../common/zc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static const char *const PALETTE[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

/*
 * The layout: nodes on a circle, community after community (in the order of their most frequent
 * code), by frequency within one; a node's radius 6 + 18 sqrt(frequency / max); an edge's width
 * 0.8 + 5.2 weight / max weight; an arrow at the target of an edge whose relations run one way,
 * at both ends of one whose relations run both ways, none for co-occurrence alone.
 */
int zc_network_svg(const zc_network *n, FILE *f)
{
	int w = 640, h = 560;
	double cx = 320, cy = 270, R = 200;
	size_t *order = zc_calloc(n->nnodes + 1, sizeof *order), k = 0;
	long maxc = 0;
	for (size_t i = 0; i < n->nnodes; i++)
		maxc = n->nodes[i].community > maxc ? n->nodes[i].community : maxc;
	for (long c = 0; c <= maxc; c++)
		for (size_t i = 0; i < n->nnodes; i++)
			if (n->nodes[i].community == c)
				order[k++] = i;
	double *x = zc_calloc(n->nnodes + 1, sizeof *x), *y = zc_calloc(n->nnodes + 1, sizeof *y);
	for (size_t p = 0; p < k; p++) {
		double t = -M_PI / 2 + 2 * M_PI * (double)p / (double)(k ? k : 1);
		x[order[p]] = cx + R * cos(t);
		y[order[p]] = cy + R * sin(t);
	}
	long maxf = n->nnodes ? n->nodes[0].frequency : 1, maxw = 1;
	for (size_t e = 0; e < n->nedges; e++)
		maxw = n->edges[e].weight > maxw ? n->edges[e].weight : maxw;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
		   "aria-label=\"cooperation network of ",
		w, h, w, h);
	zc_xml_write(f, n->category);
	fputs("\"><style>text{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\","
	      "\"PingFang SC\",sans-serif;fill:#222}.node{font-size:11px;text-anchor:middle;paint-order:stroke;stroke:#fff;"
	      "stroke-width:3px;stroke-linejoin:round}.small{font-size:10px;fill:#666}</style>"
	      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><defs>"
	      "<marker id=\"net-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" "
	      "orient=\"auto-start-reverse\" markerUnits=\"userSpaceOnUse\"><path d=\"M0,0L10,5L0,10z\" fill=\"#555\"/></marker></defs>",
	      f);
	for (size_t e = 0; e < n->nedges; e++) {
		const zc_net_edge *d = &n->edges[e];
		double x1 = x[d->source], y1 = y[d->source], x2 = x[d->target], y2 = y[d->target];
		double len = hypot(x2 - x1, y2 - y1);
		double rs = 6 + 18 * sqrt((double)n->nodes[d->source].frequency / (double)maxf);
		double rt = 6 + 18 * sqrt((double)n->nodes[d->target].frequency / (double)maxf);
		if (len > rs + rt) {	/* from rim to rim, so that an arrow's head shows */
			double ux = (x2 - x1) / len, uy = (y2 - y1) / len;
			x1 += ux * rs;
			y1 += uy * rs;
			x2 -= ux * rt;
			y2 -= uy * rt;
		}
		fputs("<line data-source=\"", f);
		zc_xml_write(f, n->nodes[d->source].code);
		fputs("\" data-target=\"", f);
		zc_xml_write(f, n->nodes[d->target].code);
		fprintf(f, "\" data-weight=\"%ld\" data-flows=\"%ld\" data-flows-back=\"%ld\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			   "y2=\"%.1f\" stroke=\"#8a8a8a\" stroke-opacity=\"0.7\" stroke-width=\"%.2f\"%s%s><title>",
			d->weight, d->flows, d->flows_back, x1, y1, x2, y2, 0.8 + 5.2 * (double)d->weight / (double)maxw,
			d->flows ? " marker-end=\"url(#net-arrow)\"" : "", d->flows_back ? " marker-start=\"url(#net-arrow)\"" : "");
		zc_xml_write(f, n->nodes[d->source].code);
		fputs(" – ", f);
		zc_xml_write(f, n->nodes[d->target].code);
		fprintf(f, ": %ld entries, %ld relations →, %ld ←</title></line>", d->weight, d->flows, d->flows_back);
	}
	for (size_t i = 0; i < n->nnodes; i++) {
		const zc_net_node *v = &n->nodes[i];
		double r = 6 + 18 * sqrt((double)v->frequency / (double)maxf);
		fputs("<g data-code=\"", f);
		zc_xml_write(f, v->code);
		fprintf(f, "\" data-count=\"%ld\" data-community=\"%ld\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.2f\" fill=\"%s\" "
			   "fill-opacity=\"0.85\" stroke=\"#333\" stroke-width=\"0.6\"><title>",
			v->frequency, v->community, x[i], y[i], r, PALETTE[v->community % 8]);
		zc_xml_write(f, v->code);
		fprintf(f, ": %ld entries, degree %ld, betweenness %.2f</title></circle><text x=\"%.1f\" y=\"%.1f\" class=\"node\">",
			v->frequency, v->degree, v->betweenness, x[i], y[i] + r + 12);
		zc_xml_write(f, v->code);
		fprintf(f, " %ld</text></g>", v->frequency);
	}
	fprintf(f, "<text x=\"10\" y=\"%d\" class=\"small\">Node area: entries holding the code; line width: entries holding both; "
		   "arrow: relations recorded source → target; colour: community (Louvain)</text></svg>\n",
		h - 10);
	free(order);
	free(x);
	free(y);
	return ferror(f) ? ZC_EIO : ZC_OK;
}

/* the entries behind a count, the first few, and how many more */
static void entries_cell(FILE *f, json_t *list)
{
	size_t n = json_array_size(list);
	for (size_t i = 0; i < n && i < 6; i++) {
		fputs(i ? ", " : "", f);
		zc_xml_write(f, json_string_value(json_array_get(list, i)));
	}
	if (n > 6)
		fprintf(f, " … (%zu more)", n - 6);
}

int zc_analysis_report_html(const zc_analysis *a, const zc_network *n, size_t top, FILE *f)
{
	json_t *cats = zc_analysis_categories(a);
	/* the category frequencies: entries holding each category */
	fputs("<h2>Codes by category 编码类目频次</h2>\n<table class=\"cats\"><tr><th>category</th><th>entries</th><th>of coded entries</th>"
	      "<th>codes</th></tr>",
	      f);
	json_t *all = zc_analysis_frequencies(a, NULL, 0, 0);
	long coded = (long)zc_analysis_count(a);
	for (size_t i = 0; i < json_array_size(cats); i++) {
		const char *cat = json_string_value(json_array_get(cats, i));
		long entries = 0, codes = 0;
		for (size_t r = 0; r < json_array_size(all); r++) {
			json_t *row = json_array_get(all, r);
			if (strcmp(json_string_value(json_object_get(row, "category")), cat))
				continue;
			if (!*json_string_value(json_object_get(row, "code")))
				entries = (long)json_integer_value(json_object_get(row, "entries"));
			else
				codes++;
		}
		fputs("<tr><td>", f);
		zc_xml_write(f, zc_analysis_category_label(a, cat));
		fputs(" (", f);
		zc_xml_write(f, cat);
		fprintf(f, ")</td><td data-category=\"%s\" data-count=\"%ld\">%ld</td><td>%.1f%%</td><td>%ld</td></tr>", cat, entries,
			entries, coded ? 100.0 * (double)entries / (double)coded : 0, codes);
	}
	fprintf(f, "</table>\n<p class=\"meta\">%ld coded entries; a category counts each entry holding any of its codes once.</p>\n",
		coded);
	/* the network */
	if (n) {
		fputs("<h2>Figure 4. Cooperation network of ", f);
		zc_xml_write(f, zc_analysis_category_label(a, n->category));
		fputs(" 合作网络</h2><div class=\"fig\">", f);
		zc_network_svg(n, f);
		fputs("<table><tr><th>code</th><th>entries</th><th>degree</th><th>betweenness</th><th>community</th></tr>", f);
		for (size_t i = 0; i < n->nnodes; i++) {
			fputs("<tr><td>", f);
			zc_xml_write(f, n->nodes[i].code);
			fprintf(f, "</td><td>%ld</td><td>%ld</td><td>%.2f</td><td>%ld</td></tr>", n->nodes[i].frequency, n->nodes[i].degree,
				n->nodes[i].betweenness, n->nodes[i].community);
		}
		fprintf(f, "</table></div>\n<p class=\"meta\">%zu codes, %zu edges (co-occurrence in an entry), modularity %.3f.</p>\n",
			n->nnodes, n->nedges, n->modularity);
	}
	/* the top codes, each with the entries behind its count */
	fprintf(f, "<h2>Top codes 高频编码</h2>\n<table class=\"top\"><tr><th>category</th><th>code</th><th>entries</th><th>share</th>"
		   "<th>the entries behind the count (zhengce trace)</th></tr>");
	json_t *rows = zc_analysis_frequencies(a, NULL, 0, top);
	for (size_t r = 0; r < json_array_size(rows); r++) {
		json_t *row = json_array_get(rows, r);
		const char *cat = json_string_value(json_object_get(row, "category"));
		const char *code = json_string_value(json_object_get(row, "code"));
		if (!*code)
			continue;
		json_t *list = zc_analysis_trace(a, cat, code, NULL, NULL, -1, 0);
		fputs("<tr><td>", f);
		zc_xml_write(f, zc_analysis_category_label(a, cat));
		fputs("</td><td>", f);
		zc_xml_write(f, code);
		fprintf(f, "</td><td>%lld</td><td>%.1f%%</td><td class=\"trace\">", (long long)json_integer_value(json_object_get(row, "entries")),
			100.0 * json_real_value(json_object_get(row, "share")));
		entries_cell(f, list);
		fputs("</td></tr>", f);
		json_decref(list);
	}
	fputs("</table>\n", f);
	json_decref(rows);
	json_decref(all);
	json_decref(cats);
	return ferror(f) ? ZC_EIO : ZC_OK;
}

/* a coefficient's cell: the value with two decimals, or "–" where it is not defined */
static void coef(FILE *f, json_t *v)
{
	if (json_is_number(v))
		fprintf(f, "<td>%.3f</td>", json_number_value(v));
	else
		fputs("<td>–</td>", f);
}

int zc_agreement_html(json_t *rounds, FILE *f)
{
	fputs("<h2>Agreement between coders by round 编码一致性</h2>\n<table class=\"agree\"><tr><th>round</th><th>category</th>"
	      "<th>entries</th><th>coders</th><th>percent</th><th>Cohen's κ</th><th>Krippendorff's α</th><th>α (MASI)</th></tr>",
	      f);
	for (size_t i = 0; i < json_array_size(rounds); i++) {
		json_t *r = json_array_get(rounds, i), *cats = json_object_get(r, "categories");
		long round = (long)json_integer_value(json_object_get(r, "round"));
		for (size_t c = 0; c <= json_array_size(cats); c++) {
			json_t *k = c < json_array_size(cats) ? json_array_get(cats, c) : json_object_get(r, "overall");
			if (!k)
				continue;
			const char *name = c < json_array_size(cats) ? json_string_value(json_object_get(k, "name")) : "overall 总体";
			if (!name)
				name = json_string_value(json_object_get(k, "category"));
			fprintf(f, "<tr data-round=\"%ld\"><td>%ld</td><td>", round, round);
			zc_xml_write(f, name ? name : "");
			fprintf(f, "</td><td>%lld</td><td>%lld</td>", (long long)json_integer_value(json_object_get(k, "units")),
				(long long)json_integer_value(json_object_get(k, "coders")));
			coef(f, json_object_get(k, "percent"));
			coef(f, json_object_get(k, "cohen_kappa"));
			coef(f, json_object_get(k, "alpha_nominal"));
			coef(f, json_object_get(k, "alpha_masi"));
			fputs("</tr>", f);
		}
	}
	fputs("</table>\n", f);
	return ferror(f) ? ZC_EIO : ZC_OK;
}
