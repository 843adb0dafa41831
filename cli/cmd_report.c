/*
 * cmd_report.c - report: one HTML file with the paper's figures and tables; --figures DIR: each
 * figure as an SVG file (and PNG where rsvg-convert is installed)
 */
#include "cli.h"

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
	json_t *kw = NULL;
	if (zc_tx_get_json(t, ZC_T_META, "search_keywords", &kw) == ZC_OK && json_is_array(kw)) {
		json_decref(r->keywords);
		r->keywords = kw;
	} else {
		json_decref(kw);
	}
	int rc = zc_tx_site_marks_each(t, site_one, r->sites);
	return rc != ZC_OK ? rc : count_txn(t, &r->c);
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
static int write_figures(const char *dir, const zc_stats *s, FILE *say)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "zhengce report: cannot make the directory %s: %s\n", dir, strerror(errno));
		return 1;
	}
	char *rsvg = renderer();
	int bad = 0, pngs = 0;
	for (int i = 0; i < ZC_NFIGURES && !bad; i++) {
		char *svg = zc_asprintf("%s/%s.svg", dir, zc_figure_name(i)), *part = part_name(svg);
		FILE *f = fopen(part, "w");
		if (!f) {
			fprintf(stderr, "zhengce report: cannot write %s: %s\n", svg, strerror(errno));
			bad = 1;
		} else if (part_finish("report", f, part, svg, zc_report_figure(f, i, s)) != ZC_OK) {
			bad = 1;
		} else {
			fprintf(say, "wrote %s\n", svg);
		}
		if (!bad && rsvg) {
			char *png = zc_asprintf("%s/%s.png", dir, zc_figure_name(i));
			char *args[] = {rsvg, "--zoom", "2", "-o", png, svg, NULL};
			pid_t pid;
			int st = 0;
			if (posix_spawn(&pid, rsvg, NULL, NULL, args, environ) == 0 && waitpid(pid, &st, 0) == pid &&
			    WIFEXITED(st) && WEXITSTATUS(st) == 0) {
				fprintf(say, "wrote %s\n", png);
				pngs++;
			} else {
				fprintf(stderr, "zhengce report: rsvg-convert could not make %s (the SVG stands)\n", png);
			}
			free(png);
		}
		free(part);
		free(svg);
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
			       "sites, crawl dates, versions).  --figures DIR writes each figure as an SVG file\n"
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
	json_t *profile = zc_select_profile_record(idx);
	if (!profile)	/* a selection made before zhengce recorded its profile: the name alone */
		profile = json_pack("{s:s}", "name", c.c.profile ? c.c.profile : "");
	zc_index_close(&idx);
	json_t *about = json_pack("{s:o,s:O,s:O,s:s}", "profile", profile, "keywords", c.keywords,
				  "sites", c.sites, "crawled", c.c.crawled ? c.c.crawled : "");
	int to_stdout = out && !strcmp(out, "-");
	int failed = 0;
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce report: %s\n", zc_strerror(rc));
		failed = 1;
	} else if (out && to_stdout) {
		rc = zc_report_write(stdout, c.c.s, about);
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
		} else if (part_finish("report", f, part, out, zc_report_write(f, c.c.s, about)) != ZC_OK) {
			failed = 1;
		} else {
			printf("wrote %s\n", out);
		}
		free(part);
	}
	if (!failed && figures)
		failed = write_figures(figures, c.c.s, to_stdout ? stderr : stdout);
	free(c.c.profile);
	free(c.c.crawled);
	json_decref(c.keywords);
	json_decref(c.sites);
	json_decref(about);
	zc_stats_free(&c.c.s);
	return failed;
}
