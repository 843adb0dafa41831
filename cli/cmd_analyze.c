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
	static const struct option opts[] = {
		{"corpus", 1, 0, 'C'}, {"category", 1, 0, 'c'}, {"by", 1, 0, 'b'}, {"top", 1, 0, 'n'},
		{"format", 1, 0, 'f'}, {"output", 1, 0, 'o'}, {"network", 0, 0, 'N'}, {"with-left", 0, 0, 'L'},
		{"help", 0, 0, 'h'}, {"progress", 0, 0, 'P'}, {"quiet", 0, 0, 'Q'}, {0, 0, 0, 0}};
	const char *corpus = NULL, *category = NULL, *out = NULL, *format = NULL;
	unsigned by = 0;
	long top = 0;
	int network = 0, with_left = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 'c': category = optarg; break;
		case 'b':
			if (zc_analysis_by_parse(optarg, &by) != ZC_OK || (by & ZC_BY_CODE))
				return usage_error("analyze", "--by is a list of province, region and year, not %s", optarg);
			break;
		case 'n':
			if (zc_parse_long(optarg, 1, 1000000, &top) != ZC_OK)
				return usage_error("analyze", "--top wants a number of codes (1 or more), not %s", optarg);
			break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'N': network = 1; break;
		case 'L': with_left = 1; break;
		case 'P':
		case 'Q': progress_opt = c == 'P'; break;
		case 'h':
			fputs(ANALYZE_HELP, stdout);
			return 0;
		default: return option_error("analyze", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("analyze", "unexpected argument %s", argv[optind]);
	enum zc_format fmt = ZC_FMT_TABLE;
	enum zc_net_format nfmt = ZC_NET_EDGES;
	if (network && format && zc_network_format_parse(format, &nfmt) != ZC_OK)
		return usage_error("analyze", "--network --format is gexf, graphml, edges, nodes, counts, ochiai, jaccard or json, not %s",
				   format);
	if (!network && format && (zc_format_parse(format, &fmt) != ZC_OK || fmt == ZC_FMT_XLSX || fmt == ZC_FMT_TEXT))
		return usage_error("analyze", "--format is table, csv, json or jsonl, not %s", format);
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

int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{"corpus", 1, 0, 'C'}, {"category", 1, 0, 'c'}, {"code", 1, 0, 'k'}, {"with", 1, 0, 'w'},
		{"province", 1, 0, 'p'}, {"region", 1, 0, 'r'}, {"year", 1, 0, 'y'}, {"format", 1, 0, 'f'},
		{"output", 1, 0, 'o'}, {"with-left", 0, 0, 'L'}, {"help", 0, 0, 'h'}, {"progress", 0, 0, 'P'},
		{"quiet", 0, 0, 'Q'}, {0, 0, 0, 0}};
	const char *corpus = NULL, *category = NULL, *code = NULL, *with = NULL, *jur = NULL, *out = NULL;
	int region = -1, with_left = 0, c;
	long year = 0;
	enum zc_format fmt = ZC_FMT_TABLE;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 'c': category = optarg; break;
		case 'k': code = optarg; break;
		case 'w': with = optarg; break;
		case 'p':
			if (!strcmp(optarg, "national") || !strcmp(optarg, "国家") || !strcmp(optarg, "00"))
				jur = "00";
			else if (!(jur = zc_province_code(optarg)))
				return usage_error("trace", "unknown province %s (use 浙江, Zhejiang, 33, or national)", optarg);
			break;
		case 'r':
			if (!strcmp(optarg, "national"))
				region = ZC_NREGIONS;
			else if ((region = zc_region_parse(optarg)) < 0)
				return usage_error("trace", "unknown region %s: the regions are east, centre, west, north-east and national",
						   optarg);
			break;
		case 'y':
			if (zc_parse_long(optarg, 1900, 2100, &year) != ZC_OK)
				return usage_error("trace", "--year wants a year, not %s", optarg);
			break;
		case 'f':
			if (zc_format_parse(optarg, &fmt) != ZC_OK || fmt == ZC_FMT_XLSX || fmt == ZC_FMT_TEXT)
				return usage_error("trace", "--format is table, csv, json or jsonl, not %s", optarg);
			break;
		case 'o': out = optarg; break;
		case 'L': with_left = 1; break;
		case 'P':
		case 'Q': progress_opt = c == 'P'; break;
		case 'h':
			fputs(TRACE_HELP, stdout);
			return 0;
		default: return option_error("trace", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("trace", "unexpected argument %s", argv[optind]);
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
