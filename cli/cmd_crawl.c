/*
 * cmd_crawl.c - crawl: search, fetch, archive and select, the command cron runs
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char CRAWL_HELP[] =
	"usage: zhengce crawl [OPTIONS]\n"
	"\n"
	"Searches every seed site for every keyword of the profile, follows lists and pagination,\n"
	"fetches new or changed articles (conditional GET), archives every exchange as WARC in\n"
	"CORPUS/warc, stores documents in CORPUS/corpus and applies the profile (when neither a\n"
	"page nor the profile changed since the last selection, that selection stands).  Only a\n"
	"complete crawl selects: one stopped by a signal (exit 130 or 143) or a failed write (exit 1)\n"
	"keeps the published selection whole, and the next crawl resumes where it stopped; a second\n"
	"crawl while one runs exits 75.\n"
	"\n"
	"  --corpus DIR          corpus directory (default ./corpus)\n"
	"  --seeds FILE          sites (default seeds/sites.json)\n"
	"  --profile FILE        study profile (default profiles/reference.json)\n"
	"  --site LIST           only these sites: hosts, jurisdiction codes or provinces (浙江,\n"
	"                        Zhejiang), comma-separated; one matching no site is refused\n"
	"  --delay SECONDS       between two requests to one host (default 1)\n"
	"  --max-crawl-delay S   cap on robots.txt Crawl-delay (default 30)\n"
	"  --tries N             attempts per URL (default 4)\n"
	"  --backoff SECONDS     first retry wait, doubled each try (default 2)\n"
	"  --timeout SECONDS     per transfer (default 60)\n"
	"  --max-body BYTES      largest body accepted (default 16 MB)\n"
	"  --user-agent STRING   (default zhengce/VERSION (+CONTACT))\n"
	"  --contact URL         your contact, named in the User-Agent (without it a crawl says so)\n"
	"  --cookies FILE        Netscape cookies.txt for sites with a JavaScript challenge\n"
	"  --cacert FILE         CA certificates to trust (the mirror's test CA)\n"
	"  --connect-to H:P:A:P  connect to A:P for host H port P (curl's syntax; repeatable).  With\n"
	"                        any mapping in force, unmapped hosts are refused before DNS.\n"
	"  --mirror ADDR:P1:P2   shorthand: every host's port 80 to ADDR:P1 and 443 to ADDR:P2\n"
	"  --full                walk every page of every search and list; without it a site crawled\n"
	"                        to its end before stops paging results that are newest first at the\n"
	"                        first page whose results are all known and older than that crawl\n"
	"  --full-every RUNS     a full pass after RUNS complete runs (default 10; kept in the corpus)\n"
	"  --full-days DAYS      ... or DAYS days after the last full pass (default 30; kept)\n"
	"  --progress / --quiet  progress on stderr, a line per busy host, then the selection's steps\n"
	"                        (default: on a terminal)\n"
	"  --verbose             say every retry and give-up\n";

/* the crawl's article callback: the parser reads the page, the crawler stores its record */
int on_article(void *arg, const zc_site *site, const char *url, const char *ctype,
		      const char *body, size_t len, zc_doc **doc)
{
	(void)arg;
	(void)site;
	int rc = zc_parse_page(body, len, url, ctype, doc);
	if (rc == ZC_OK && !*(*doc)->title && !*(*doc)->body)
		rc = ZC_EPARSE;	/* nothing of a document in it: stored as unparseable */
	if (rc != ZC_OK)
		zc_doc_free(doc);
	return rc;
}

int select_stored(const char *cmd, zc_index *idx, const zc_profile *profile, int progress)
{
	zc_select_stats st;
	zc_progress prog = cli_progress(progress);
	const char *step = "indexing the new pages' text";
	int rc = zc_index_merge_pairs(idx, &prog);
	if (rc == ZC_OK) {
		step = "selection";
		rc = zc_select_finalize(idx, profile, 0, &prog, &st);
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce %s: %s failed: %s\n", cmd, step, zc_strerror(rc));
		return 1;
	}
	print_selection(&st, stdout);
	return 0;
}

static void print_counts(const zc_crawl_summary *sum, const char *how)
{
	printf("%s%s%ld requests; added %ld, changed %ld, unchanged %ld; %ld failed, %ld not allowed by robots.txt\n", how,
	       sum->resumed ? "resumed: " : "", sum->requests, sum->added, sum->changed, sum->unchanged, sum->failed,
	       sum->skipped_robots);
	size_t inc = 0;
	for (size_t i = 0; i < sum->n_sites; i++)
		inc += sum->sites[i].incremental != 0;
	printf("%s%zu sites searched since their last complete crawl, %zu in full\n", how, inc, sum->n_sites - inc);
}

/* the options of a crawl: zc_crawl_opts and what becomes of them */
typedef struct crawl_args {
	zc_crawl_opts o;
	const char *corpus, *seeds_opt, *profile_opt, *contact;
	char *ua;
	char **ct;	/* --connect-to and --mirror's mappings */
	size_t nct;
} crawl_args;

static void crawl_args_free(crawl_args *a)
{
	for (size_t i = 0; i < a->nct; i++)
		free(a->ct[i]);
	free(a->ct);
	free(a->ua);
}

static const struct option CRAWL_OPTS[] = {
	{"corpus", 1, 0, 'C'}, {"seeds", 1, 0, 's'}, {"profile", 1, 0, 'P'}, {"site", 1, 0, 'S'},
	{"delay", 1, 0, 'd'}, {"max-crawl-delay", 1, 0, 'D'}, {"tries", 1, 0, 't'}, {"backoff", 1, 0, 'b'},
	{"timeout", 1, 0, 'T'}, {"max-body", 1, 0, 'm'}, {"user-agent", 1, 0, 'U'}, {"contact", 1, 0, 'c'},
	{"cookies", 1, 0, 'k'}, {"cacert", 1, 0, 'A'}, {"connect-to", 1, 0, 'x'}, {"mirror", 1, 0, 'M'},
	{"progress", 0, 0, 'p'}, {"quiet", 0, 0, 'q'}, {"verbose", 0, 0, 'v'}, {"help", 0, 0, 'h'},
	{"full", 0, 0, 'F'}, {"full-every", 1, 0, 'R'}, {"full-days", 1, 0, 'Y'}, {0, 0, 0, 0}};

/* an option with a number: -1 when taken, else the exit code of its usage error */
static int crawl_number(crawl_args *a, int c, const char *name)
{
	zc_crawl_opts *o = &a->o;
	double v = 0;
	int done = number_option("crawl", name, optarg, c == 't' || c == 'T' || c == 'R' || c == 'Y' ? 1 : c == 'm' ? 1024 : 0, &v);
	if (done >= 0)
		return done;
	switch (c) {
	case 'd': o->delay = v; break;
	case 'D': o->max_crawl_delay = v; break;
	case 'b': o->backoff = v; break;
	case 't':
		if (v != (int)v || v > 1000)
			return usage_error("crawl", "--tries wants a whole number from 1 to 1000, got %s", optarg);
		o->tries = (int)v;
		break;
	case 'T': o->timeout = (long)v; break;
	case 'm': o->max_body = (size_t)v; break;
	case 'R': o->full_runs = (long)v; break;
	case 'Y': o->full_days = (long)v; break;
	}
	return -1;
}

/* one option: -1 when taken, else the exit code (0 after --help) */
static int crawl_option(crawl_args *a, int c, int li, char **argv)
{
	switch (c) {
	case 'C': a->corpus = optarg; break;
	case 's': a->seeds_opt = optarg; break;
	case 'P': a->profile_opt = optarg; break;
	case 'S': a->o.only = optarg; break;
	case 'd': case 'D': case 'b': case 't': case 'T': case 'm': case 'R': case 'Y':
		return crawl_number(a, c, CRAWL_OPTS[li].name);
	case 'U':
		free(a->ua);
		a->ua = zc_strdup(optarg);
		break;
	case 'c': a->contact = optarg; break;
	case 'k': a->o.cookies = optarg; break;
	case 'A': a->o.cacert = optarg; break;
	case 'x':
	case 'M': return connect_option("crawl", c, optarg, &a->ct, &a->nct);
	case 'p': progress_opt = 1; break;
	case 'q': progress_opt = 0; break;
	case 'v': a->o.verbose = 1; break;
	case 'F': a->o.full = 1; break;
	case 'h': fputs(CRAWL_HELP, stdout); return 0;
	default: return option_error("crawl", c, argv, CRAWL_OPTS);
	}
	return -1;
}

/* the options into a (defaults first): -1 when the crawl goes on, else the exit code */
static int crawl_options(int argc, char **argv, crawl_args *a)
{
	memset(a, 0, sizeof *a);
	zc_crawl_opts *o = &a->o;
	o->delay = 1;
	o->max_crawl_delay = 30;
	o->tries = 4;
	o->backoff = 2;
	o->timeout = 60;
	o->max_body = 16u << 20;
	o->warc_max = 1u << 30;
	optind = 1;
	opterr = 0;
	int c, li = 0, done = -1;
	while (done < 0 && (c = getopt_long(argc, argv, ":h", CRAWL_OPTS, &li)) != -1)
		done = crawl_option(a, c, li, argv);
	if (done >= 0)
		return done;
	if (optind < argc)
		return usage_error("crawl", "unexpected argument %s", argv[optind]);
	/* a file libcurl cannot read would fail every site (TLS) or every challenge, far from here */
	if (o->cookies && access(o->cookies, R_OK) != 0)
		return usage_error("crawl", "cannot read --cookies %s: %s", o->cookies, strerror(errno));
	if (o->cacert && access(o->cacert, R_OK) != 0)
		return usage_error("crawl", "cannot read --cacert %s: %s", o->cacert, strerror(errno));
	return -1;
}

/* a complete crawl selected: the pairs merged, the search keywords noted, the profile applied */
static int crawl_select(writer *w, const zc_crawl_summary *sum, int progress)
{
	zc_select_stats st;
	const char *step = "indexing the new pages' text";
	zc_progress prog = cli_progress(progress);
	int rc = zc_index_merge_pairs(w->idx, &prog);
	if (rc == ZC_OK) {
		step = "recording the search keywords";
		rc = zc_select_note_search(w->idx, w->profile);
	}
	if (rc == ZC_OK) {
		step = "selection";
		rc = zc_select_finalize(w->idx, w->profile, 0, &prog, &st);
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce crawl: %s failed: %s\n", step, zc_strerror(rc));
		return rc;
	}
	print_counts(sum, "");
	print_selection(&st, stdout);
	return ZC_OK;
}

/* a crawl stopped (a signal, a failed write): what it did, and that the selection stands */
static void crawl_stopped(writer *w, const zc_crawl_summary *sum, int rc)
{
	print_counts(sum, rc == ZC_EINTR ? "interrupted: " : "stopped: ");
	fflush(stdout);
	if (rc == ZC_EINTR)
		fprintf(stderr, "zhengce crawl: interrupted by %s before every site was searched to its end\n",
			sum->signal == SIGINT ? "SIGINT" : sum->signal == SIGTERM ? "SIGTERM" : "a signal");
	zc_select_stats prev;
	if (zc_select_published(w->idx, &prev) == ZC_OK)
		fprintf(stderr, "zhengce crawl: nothing selected; the published selection stands whole (%zu included, %zu entries)\n",
			prev.included, prev.entries);
	else
		fprintf(stderr, "zhengce crawl: nothing selected; the corpus has no selection until a crawl completes\n");
	fprintf(stderr, "zhengce crawl: run the crawl again to resume where it stopped\n");
}

/* each site's search (--verbose) and the sites not crawled completely; returns how many */
static int crawl_sites_said(const zc_crawl_summary *sum, int verbose, int rc)
{
	for (size_t i = 0; i < sum->n_sites && verbose; i++) {
		const zc_site_report *r = &sum->sites[i];
		if (r->incremental)
			fprintf(stderr, "zhengce crawl: %s: searched since its last complete crawl (%s)\n", r->host, r->since);
		else
			fprintf(stderr, "zhengce crawl: %s: searched in full\n", r->host);
	}
	int failed = 0;
	for (size_t i = 0; i < sum->n_sites && rc != ZC_EINTR; i++)
		if (sum->sites[i].failed) {
			if (!failed)
				fprintf(stderr, "zhengce crawl: these sites were not crawled completely:\n");
			fprintf(stderr, "  %s\n", sum->sites[i].problem);
			failed++;
		}
	if (rc == ZC_OK && failed)
		fprintf(stderr, "zhengce crawl: %d of %zu sites failed\n", failed, sum->n_sites);
	return failed;
}

/* the crawl itself, with what writer_open() prepared; returns the exit code */
static int crawl_with(writer *w, crawl_args *a)
{
	zc_crawl_opts *o = &a->o;
	if (!a->ua && !a->contact)	/* once a run: the sites' webmasters can reach the project, not the researcher */
		fprintf(stderr, "zhengce crawl: the User-Agent names no contact of yours; give --contact URL or "
				"mailto:ADDRESS so that a site's webmaster can reach you\n");
	if (!a->ua)
		a->ua = zc_asprintf("zhengce/%s (+%s)", ZC_VERSION, a->contact ? a->contact : "https://github.com/zhengce");
	o->dir = w->corpus;
	o->only = w->only;
	o->user_agent = a->ua;
	o->connect_to = a->ct;
	o->n_connect_to = a->nct;
	o->keywords = zc_profile_search(w->profile, &o->n_keywords);
	int progress = progress_wanted(0);
	crawl_view view = {0};
	o->progress = progress ? crawl_view_progress : NULL;
	o->progress_arg = &view;
	o->progress_hosts = crawl_view_hosts();
	o->note = crawl_view_note;
	o->note_arg = &view;
	zc_crawl_summary sum = {0};
	int rc = zc_crawl_run(w->idx, &w->seeds, o, on_article, NULL, &sum);
	/* a selection of part of the universe would give file codes in the order pages happened to
	   arrive: only a crawl that searched every site to its end (or failed it for a reason it
	   names) is selected; a stopped one leaves the published selection as it was */
	if (rc == ZC_OK)
		rc = crawl_select(w, &sum, progress);
	else if (rc == ZC_EINTR || sum.requests)
		crawl_stopped(w, &sum, rc);
	int failed = crawl_sites_said(&sum, o->verbose, rc);
	int ret = rc == ZC_OK && !failed ? 0 : 1;
	if (rc == ZC_EINTR)
		ret = 128 + (sum.signal > 0 ? sum.signal : SIGINT);	/* what a shell reports for a death by it */
	zc_crawl_summary_free(&sum);
	return ret;
}

int cmd_crawl(int argc, char **argv)
{
	crawl_args a;
	int ret = crawl_options(argc, argv, &a);
	if (ret < 0) {
		writer w;
		ret = writer_open(&w, "crawl", "crawled", corpus_dir(a.corpus), 1, a.seeds_opt, a.profile_opt, a.o.only);
		if (ret < 0)
			ret = crawl_with(&w, &a);
		writer_close(&w);
	}
	crawl_args_free(&a);
	return ret;
}
