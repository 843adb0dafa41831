/*
 * cmd_report.c - report: one HTML file with the paper's figures and tables; --figures DIR: each
 * figure as an SVG file (and PNG where rsvg-convert is installed)
 */
#include "cli.h"
#include "analysis.h"
#include "coding.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

typedef struct report_ctx {
	count_ctx c;
	json_t *keywords, *sites;
} report_ctx;

static int site_one(const char *host, const zc_site_mark *m, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s,s:s,s:s}", "host", host, "complete", m->complete, "full", m->full));
	return 0;
}

/* the counts, the crawl's search words and the sites' marks, from one snapshot */
static int report_txn(zc_txn *t, void *arg)
{
	report_ctx *r = arg;
	zc_search_keywords kw;
	if (zc_tx_search_keywords_get(t, &kw) == ZC_OK) {
		json_array_clear(r->keywords);
		for (size_t i = 0; i < kw.n; i++)
			json_array_append_new(r->keywords, json_string(kw.words[i]));
		zc_search_keywords_clear(&kw);
	}
	int rc = zc_tx_site_marks_each(t, site_one, r->sites);
	return rc != ZC_OK ? rc : count_txn(t, &r->c);
}

/*
 * The sections on the coded entries, when entries have final codes: the categories' entries, the
 * network of the units (of the first category when there is no unit) and the top codes with the
 * entries behind them, into about's "codes_html"; the network is *net (the caller frees it).
 */
static int codebook_txn(zc_txn *t, void *arg)
{
	return zc_tx_codebook_get(t, arg);
}

/* the agreement of every round with codings, as HTML; NULL when there is none */
static char *agreement(zc_index *idx)
{
	unsigned *rounds = NULL;
	size_t n = 0;
	zc_codebook_rec rec = {0};
	json_t *reports = json_array();
	zc_codebook *cb = NULL;
	char *err = NULL, *html = NULL;
	if (zc_coding_rounds(idx, &rounds, &n) == ZC_OK && n && zc_index_read(idx, codebook_txn, &rec) == ZC_OK &&
	    zc_codebook_from_json(rec.codebook, "the corpus's codebook", &cb, &err) == ZC_OK) {
		for (size_t i = 0; i < n; i++) {
			json_t *rep;
			if (zc_agree_round(idx, cb, rounds[i], 0, 1, &rep) == ZC_OK)
				json_array_append_new(reports, rep);
		}
		size_t len = 0;
		FILE *m = json_array_size(reports) ? open_memstream(&html, &len) : NULL;
		if (m) {
			zc_agreement_html(reports, m);
			fclose(m);
		}
	}
	free(err);
	free(rounds);
	zc_codebook_free(&cb);
	zc_codebook_rec_clear(&rec);
	json_decref(reports);
	return html;
}

static void coded_sections(zc_index *idx, json_t *about, zc_network **net)
{
	zc_analysis *a;
	zc_load_stats st;
	*net = NULL;
	if (zc_analysis_load(idx, 0, &a, &st) != ZC_OK)
		return;
	if (st.entries) {
		json_t *cats = zc_analysis_categories(a);
		const char *cat = NULL;
		for (size_t i = 0; i < json_array_size(cats) && !cat; i++)
			if (!strcmp(json_string_value(json_array_get(cats, i)), "unit"))
				cat = "unit";
		if (!cat)
			cat = json_string_value(json_array_get(cats, 0));
		if (cat)
			zc_network_build(a, cat, net);
		char *agree = agreement(idx), *html = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&html, &len);
		if (m) {
			if (agree)
				fputs(agree, m);
			zc_analysis_report_html(a, *net, 10, m);
			fclose(m);
			json_object_set_new(about, "codes_html", json_string(html));
			free(html);
		}
		free(agree);
		json_decref(cats);
	}
	zc_analysis_free(&a);
}

/* whether rsvg-convert is on the PATH */
static char *renderer(void)
{
	const char *path = getenv("PATH");
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		char *cand = zc_asprintf("%.*s/rsvg-convert", (int)n, p);
		if (n && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		p += n + (p[n] == ':');
	}
	return NULL;
}

/* DIR/NAME.svg for every figure, and NAME.png beside when a renderer is there, each said on
   say; 0 or 1 */
/* one figure's SVG into DIR/NAME.svg, said on say; ZC_OK or says why not */
typedef int (*svg_fn)(FILE *f, const void *arg);

static int svg_file(const char *svg, svg_fn fn, const void *arg, FILE *say)
{
	char *part = part_name(svg);
	FILE *f = fopen(part, "w");
	int rc = ZC_EIO;
	if (!f)
		fprintf(stderr, "zhengce report: cannot write %s: %s\n", svg, strerror(errno));
	else if ((rc = part_finish("report", f, part, svg, fn(f, arg))) == ZC_OK)
		fprintf(say, "wrote %s\n", svg);
	free(part);
	return rc;
}

typedef struct fig_arg {
	int fig;
	const zc_stats *s;
} fig_arg;

static int fig_svg(FILE *f, const void *arg)
{
	const fig_arg *a = arg;
	return zc_report_figure(f, a->fig, a->s);
}

static int net_svg(FILE *f, const void *arg)
{
	return zc_network_svg(arg, f);
}

/* NAME.png beside NAME.svg by rsvg-convert */
static void png_of(const char *rsvg, const char *dir, const char *name, FILE *say)
{
	char *png = zc_asprintf("%s/%s.png", dir, name), *svg = zc_asprintf("%s/%s.svg", dir, name);
	char *args[] = {(char *)rsvg, "--zoom", "2", "-o", png, svg, NULL};
	pid_t pid;
	int st = 0;
	if (posix_spawn(&pid, rsvg, NULL, NULL, args, environ) == 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0)
		fprintf(say, "wrote %s\n", png);
	else
		fprintf(stderr, "zhengce report: rsvg-convert could not make %s (the SVG stands)\n", png);
	free(png);
	free(svg);
}

static int write_figures(const char *dir, const zc_stats *s, const zc_network *net, FILE *say)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "zhengce report: cannot make the directory %s: %s\n", dir, strerror(errno));
		return 1;
	}
	char *rsvg = renderer();
	int bad = 0;
	for (int i = 0; i < ZC_NFIGURES && !bad; i++) {
		char *svg = zc_asprintf("%s/%s.svg", dir, zc_figure_name(i));
		fig_arg fa = {i, s};
		bad = svg_file(svg, fig_svg, &fa, say) != ZC_OK;
		if (!bad && rsvg)
			png_of(rsvg, dir, zc_figure_name(i), say);
		free(svg);
	}
	if (!bad && net) {
		char *name = zc_asprintf("figure4-network-%s", net->category), *svg = zc_asprintf("%s/%s.svg", dir, name);
		bad = svg_file(svg, net_svg, net, say) != ZC_OK;
		if (!bad && rsvg)
			png_of(rsvg, dir, name, say);
		free(svg);
		free(name);
	}
	if (!bad && !rsvg)
		fprintf(stderr, "zhengce report: no PNG: rsvg-convert is not installed (Debian: librsvg2-bin); the SVGs stand\n");
	free(rsvg);
	return bad;
}

int cmd_report(int argc, char **argv)
{
	const char *corpus = NULL, *out = NULL, *figures = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"output", &out, NULL}, {"figures", &figures, NULL}};
	int r = simple_options("report", "usage: zhengce report [--corpus DIR] [-o FILE.html] [--figures DIR]\n\n"
			       "One self-contained HTML file (no network, no script): national documents by year\n"
			       "(Figure 1), the provinces as dots on a map of China (Figure 2), provincial documents\n"
			       "by year and region (Figure 3), the flow from pages fetched through the exclusions\n"
			       "to documents and entries, and the methods (profile, keywords, criteria, dates,\n"
			       "sites, crawl dates, versions); once entries have final codes, the categories'\n"
			       "entries, the units' cooperation network (Figure 4) and the top codes with the\n"
			       "entries behind each count.  --figures DIR writes each figure as an SVG file\n"
			       "(and a PNG where rsvg-convert is installed) for a manuscript.\n",
			       argc, argv, opts, 3, 0);
	if (r >= 0)
		return r;
	if (!out && !figures)
		return usage_error("report", "give the output file: -o report.html (-o - for standard output), or --figures DIR");
	zc_index *idx;
	if (open_corpus("report", corpus_dir(corpus), &idx))
		return 1;
	report_ctx c = {{zc_stats_new(), NULL, NULL}, json_array(), json_array()};
	int rc = zc_index_read(idx, report_txn, &c);
	zc_profile_record profile;
	if (zc_select_profile_record(idx, &profile) != ZC_OK)	/* made before zhengce recorded it: the name alone */
		profile.name = c.c.profile ? c.c.profile : "";
	json_t *about = json_pack("{s:O,s:O,s:s}", "keywords", c.keywords, "sites", c.sites, "crawled",
				  c.c.crawled ? c.c.crawled : "");
	zc_network *net = NULL;
	if (rc == ZC_OK)
		coded_sections(idx, about, &net);
	zc_index_close(&idx);
	int to_stdout = out && !strcmp(out, "-");
	int failed = 0;
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce report: %s\n", zc_strerror(rc));
		failed = 1;
	} else if (out && to_stdout) {
		rc = zc_report_write(stdout, c.c.s, &profile, about);
		if (rc != ZC_OK) {
			fprintf(stderr, "zhengce report: cannot write the output: %s\n", zc_strerror(rc));
			failed = 1;
		}
	} else if (out) {
		char *part = part_name(out);
		FILE *f = fopen(part, "w");
		if (!f) {
			fprintf(stderr, "zhengce report: cannot write %s: %s\n", out, strerror(errno));
			failed = 1;
		} else if (part_finish("report", f, part, out, zc_report_write(f, c.c.s, &profile, about)) != ZC_OK) {
			failed = 1;
		} else {
			printf("wrote %s\n", out);
		}
		free(part);
	}
	if (!failed && figures)
		failed = write_figures(figures, c.c.s, net, to_stdout ? stderr : stdout);
	zc_profile_record_clear(&profile);
	free(c.c.profile);
	free(c.c.crawled);
	json_decref(c.keywords);
	json_decref(c.sites);
	json_decref(about);
	zc_network_free(&net);
	zc_stats_free(&c.c.s);
	return failed;
}
