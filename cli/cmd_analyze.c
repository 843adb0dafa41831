/*
 * cmd_analyze.c - analyze: the final codes counted (entries holding each category and code, by
 * province, region and year) or, with --network, the cooperation network of one category;
 * trace: the entries behind one of those counts
 */
#include "cli.h"
#include "analysis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the corpus's coded entries; 0, or 1 after saying why not */
static int load(const char *cmd, const char *corpus, int with_left, zc_analysis **a)
{
	zc_index *idx;
	if (open_corpus(cmd, corpus_dir(corpus), &idx))
		return 1;
	zc_load_stats st;
	int rc = zc_analysis_load(idx, with_left ? ZC_LOAD_LEFT : 0, a, &st);
	zc_index_close(&idx);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce %s: %s\n", cmd, zc_strerror(rc));
		return 1;
	}
	if (!st.entries) {
		fprintf(stderr, "zhengce %s: no entry has final codes yet: code the entries and resolve them first "
				"(zhengce code sheet, code import, code resolve)\n", cmd);
		zc_analysis_free(a);
		return 1;
	}
	if (st.left)
		fprintf(stderr, "zhengce %s: %ld coded entries are no longer in the selection: %s\n", cmd, st.left,
			with_left ? "counted (--with-left)" : "left out (--with-left counts them)");
	if (st.changed)
		fprintf(stderr, "zhengce %s: %ld entries' text changed since they were coded: counted; review them (zhengce code list --changed)\n",
			cmd, st.changed);
	return 0;
}

typedef struct freq_out {
	json_t *rows;
	unsigned by;
	enum zc_format fmt;
} freq_out;

static int write_freq(FILE *f, void *arg)
{
	freq_out *o = arg;
	return zc_analysis_rows_write(f, o->rows, o->by, o->fmt);
}

typedef struct net_out {
	zc_network *n;
	enum zc_net_format fmt;
} net_out;

static int write_net(FILE *f, void *arg)
{
	net_out *o = arg;
	return zc_network_write(o->n, f, o->fmt);
}

/* a category given by id or name, else refused naming the categories there are */
static const char *category_of(const char *cmd, const zc_analysis *a, const char *want, json_t *cats)
{
	for (size_t i = 0; i < json_array_size(cats); i++) {
		const char *id = json_string_value(json_array_get(cats, i));
		if (!strcmp(id, want) || !strcmp(zc_analysis_category_label(a, id), want))
			return id;
	}
	char list[512] = "";
	for (size_t i = 0; i < json_array_size(cats); i++) {
		size_t n = strlen(list);
		snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", json_string_value(json_array_get(cats, i)));
	}
	usage_error(cmd, "no entry holds a code of the category %s; the coded categories are %s", want, list);
	return NULL;
}

/* the counts or the network, once the options agree; returns the exit code */
static int analyze_run(const char *corpus, const char *category, const char *out, int network, int with_left, unsigned by,
		       long top, enum zc_format fmt, enum zc_net_format nfmt)
{
	zc_analysis *a;
	if (load("analyze", corpus, with_left, &a))
		return 1;
	json_t *cats = zc_analysis_categories(a);
	int rc = 1;
	const char *cat = NULL;
	if (category || network) {
		cat = category_of("analyze", a, category ? category : "unit", cats);
		if (!cat) {
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (network) {
		net_out o = {NULL, nfmt};
		int brc = zc_network_build(a, cat, &o.n);
		if (brc != ZC_OK) {
			fprintf(stderr, "zhengce analyze: %s\n", zc_strerror(brc));
			goto out;
		}
		rc = write_output("analyze", out, write_net, &o);
		zc_network_free(&o.n);
	} else {
		freq_out o = {zc_analysis_frequencies(a, cat, by, (size_t)top), by, fmt};
		rc = write_output("analyze", out, write_freq, &o);
		json_decref(o.rows);
	}
out:
	json_decref(cats);
	zc_analysis_free(&a);
	return rc;
}

static const char ANALYZE_HELP[] =
	"usage: zhengce analyze [--corpus DIR] [--category C] [--by province,region,year] [--top N]\n"
	"                       [--format table|csv|json|jsonl] [-o FILE] [--with-left]\n"
	"       zhengce analyze --network [--category C] [--format gexf|graphml|edges|nodes|counts|\n"
	"                       ochiai|jaccard|json] [-o FILE]\n\n"
	"The entries' final codes counted: for each category the entries holding any of its codes,\n"
	"then each second-level code's entries (most first) and its share of the category's, in\n"
	"long form, one row a category, code and group (--by province, region, year).  --network:\n"
	"the cooperation network of a category's codes (unit by default): nodes the codes,\n"
	"edges their co-occurrence in an entry weighted by entries, directed where the coders\n"
	"recorded a relation source->target; degree, strength, betweenness and Louvain\n"
	"communities by igraph; GEXF 1.3 (Gephi), GraphML, CSV edge or node lists, a co-occurrence,\n"
	"Ochiai or Jaccard matrix, or JSON.  Entries no longer in the selection are left out\n"
	"unless --with-left.  zhengce trace lists the entries behind any count.\n";

int cmd_analyze(int argc, char **argv)
{
	const char *corpus = NULL, *category = NULL, *by_v = NULL, *top_v = NULL, *format = NULL, *out = NULL;
	int network = 0, with_left = 0;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"category", &category, NULL}, {"by", &by_v, NULL},
				{"top", &top_v, NULL}, {"format", &format, NULL}, {"output", &out, NULL},
				{"network", NULL, &network}, {"with-left", NULL, &with_left}};
	int r = simple_options("analyze", ANALYZE_HELP, argc, argv, opts, sizeof opts / sizeof *opts, 0);
	unsigned by;
	long top;
	if (r >= 0 || (r = group_options("analyze", by_v, top_v, "codes", &by, &top)) >= 0)
		return r;
	enum zc_format fmt = ZC_FMT_TABLE;
	enum zc_net_format nfmt = ZC_NET_EDGES;
	if (network && format && zc_network_format_parse(format, &nfmt) != ZC_OK)
		return usage_error("analyze", "--network --format is gexf, graphml, edges, nodes, counts, ochiai, jaccard or json, not %s",
				   format);
	if (!network && (r = format_option("analyze", format, "table|csv|json|jsonl", &fmt)) >= 0)
		return r;
	if (network && (by || top))
		return usage_error("analyze", "--network takes neither --by nor --top: the network is of every coded entry");
	return analyze_run(corpus, category, out, network, with_left, by, top, fmt, nfmt);
}

typedef struct trace_out {
	json_t *rows;
	enum zc_format fmt;
} trace_out;

static int write_trace(FILE *f, void *arg)
{
	trace_out *o = arg;
	static const char *const cols[] = {"entry"};
	return zc_rows_write(f, o->rows, cols, 1, o->fmt);
}

static const char TRACE_HELP[] =
	"usage: zhengce trace --category C [--code X [--with Y]] [--province P | --region R] [--year Y]\n"
	"                     [--format table|csv|json|jsonl] [-o FILE] [--with-left]\n\n"
	"The entries behind a count of zhengce analyze, one entry code a row: those holding a code\n"
	"of the category (--code: that code; --with: and that one too, the entries of a network\n"
	"edge), of a province (national for the national documents), a region and a year.  Their\n"
	"number is the count analyze gives for the same category, code and group.\n";

/* --province, --region and --year of trace, each when given: -1, else the usage error */
static int trace_group(const char *province, const char *region_v, const char *year_v, const char **jur, int *region,
		       long *year)
{
	if (province && (!strcmp(province, "national") || !strcmp(province, "国家") || !strcmp(province, "00")))
		*jur = "00";
	else if (province && !(*jur = zc_province_code(province)))
		return usage_error("trace", "unknown province %s (use 浙江, Zhejiang, 33, or national)", province);
	if (region_v && !strcmp(region_v, "national"))
		*region = ZC_NREGIONS;
	else if (region_v && (*region = zc_region_parse(region_v)) < 0)
		return usage_error("trace", "unknown region %s: the regions are east, centre, west, north-east and national",
				   region_v);
	if (year_v && zc_parse_long(year_v, 1900, 2100, year) != ZC_OK)
		return usage_error("trace", "--year wants a year, not %s", year_v);
	return -1;
}

int cmd_trace(int argc, char **argv)
{
	const char *corpus = NULL, *category = NULL, *code = NULL, *with = NULL, *province = NULL, *region_v = NULL,
		   *year_v = NULL, *format = NULL, *out = NULL, *jur = NULL;
	int region = -1, with_left = 0;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"category", &category, NULL}, {"code", &code, NULL},
				{"with", &with, NULL}, {"province", &province, NULL}, {"region", &region_v, NULL},
				{"year", &year_v, NULL}, {"format", &format, NULL}, {"output", &out, NULL},
				{"with-left", NULL, &with_left}};
	int r = simple_options("trace", TRACE_HELP, argc, argv, opts, sizeof opts / sizeof *opts, 0);
	long year = 0;
	enum zc_format fmt = ZC_FMT_TABLE;
	if (r >= 0 || (r = trace_group(province, region_v, year_v, &jur, &region, &year)) >= 0 ||
	    (r = format_option("trace", format, "table|csv|json|jsonl", &fmt)) >= 0)
		return r;
	if (!category)
		return usage_error("trace", "give the category: --category unit (and --code, --province, --year to narrow)");
	if (with && !code)
		return usage_error("trace", "--with names the other end of an edge: give --code too");
	zc_analysis *a;
	if (load("trace", corpus, with_left, &a))
		return 1;
	json_t *cats = zc_analysis_categories(a);
	const char *cat = category_of("trace", a, category, cats);
	int rc = EXIT_USAGE;
	if (cat) {
		json_t *list = zc_analysis_trace(a, cat, code, with, jur, region, (int)year);
		trace_out o = {json_array(), fmt};
		for (size_t i = 0; i < json_array_size(list); i++)
			json_array_append_new(o.rows, json_pack("{s:O}", "entry", json_array_get(list, i)));
		rc = write_output("trace", out, write_trace, &o);
		if (!rc && fmt == ZC_FMT_TABLE && (!out || !strcmp(out, "-")))
			fprintf(stderr, "%zu entries\n", json_array_size(list));
		json_decref(o.rows);
		json_decref(list);
	}
	json_decref(cats);
	zc_analysis_free(&a);
	return rc;
}
