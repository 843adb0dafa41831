/*
 * main.c - the zhengce command.  It parses arguments and wires the stages together; what a
 * command does lives in the modules (crawler/, parser/, select/, index/, export/).
 *
 * Exit codes (docs/EXIT-CODES.md): 0 success; 1 failure; 2 usage; 75 another crawl holds the
 * lock (EX_TEMPFAIL: cron tries again later); 128 + the signal for a crawl SIGINT or SIGTERM stopped.
 */
#include "zc.h"
#include "crawler.h"
#include "export.h"
#include "index.h"
#include "parser.h"
#include "select.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_LOCKED 75

#ifndef ZC_DATADIR
#define ZC_DATADIR "/usr/local/share/zhengce"
#endif

/* where the corpus directory came from, for the message when there is none */
static const char *corpus_from = "--corpus";

static const char *corpus_dir(const char *opt)
{
	if (opt)
		return opt;
	const char *env = getenv("ZHENGCE_CORPUS");
	corpus_from = env && *env ? "$ZHENGCE_CORPUS" : NULL;
	return env && *env ? env : "corpus";
}

static char *data_file(const char *opt, const char *env, const char *rel)
{
	if (opt)
		return zc_strdup(opt);
	const char *e = getenv(env);
	if (e && *e)
		return zc_strdup(e);
	return zc_asprintf("%s/%s", ZC_DATADIR, rel);
}

/* --mirror ADDR:HTTP:HTTPS as two --connect-to mappings (":80:ADDR:HTTP", ":443:ADDR:HTTPS")
   appended to *ct; ZC_EUSAGE when the value is not of that form */
static int mirror_map(const char *arg, char ***ct, size_t *nct)
{
	char addr[64];
	int p1, p2;
	if (sscanf(arg, "%63[^:]:%d:%d", addr, &p1, &p2) != 3)
		return ZC_EUSAGE;
	*ct = zc_realloc(*ct, (*nct + 2) * sizeof **ct);
	(*ct)[(*nct)++] = zc_asprintf(":80:%s:%d", addr, p1);
	(*ct)[(*nct)++] = zc_asprintf(":443:%s:%d", addr, p2);
	return ZC_OK;
}

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "zhengce %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/* Levenshtein distance of two names (short: commands, options), for "did you mean" */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = zc_calloc(lb + 1, sizeof *row);
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

/* the name of names[] nearest to s, when near enough to be a slip (else NULL) */
static const char *nearest_name(const char *s, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bd = (size_t)-1, len = strlen(s);
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(s, names[i]);
		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	return bd <= (len < 5 ? 1 : 2) ? best : NULL;
}

/*
 * What getopt_long (optstring beginning with ':', opterr 0) refused, in one line naming the
 * option: unknown (with the nearest known one), or missing its value.  Returns EXIT_USAGE.
 */
static int option_error(const char *cmd, int c, char **argv, const struct option *opts)
{
	const char *arg = argv[optind - 1];
	if (c == ':') {
		if (!strncmp(arg, "--", 2)) {
			size_t n = strcspn(arg, "=");
			return usage_error(cmd, "%.*s wants a value", (int)n, arg);
		}
		return usage_error(cmd, "-%c wants a value", optopt);
	}
	if (optopt && !(arg[0] == '-' && arg[1] == '-'))
		return usage_error(cmd, "unknown option -%c; see 'zhengce %s --help'", optopt, cmd);
	size_t n = strcspn(arg, "=");
	char *name = zc_asprintf("%.*s", (int)n, arg);
	const char **names = NULL;
	size_t k = 0;
	for (const struct option *o = opts; o && o->name; o++) {
		names = zc_realloc(names, (k + 1) * sizeof *names);
		names[k++] = o->name;
	}
	const char *near = name[0] == '-' && name[1] == '-' ? nearest_name(name + 2, names, k) : NULL;
	if (near)
		usage_error(cmd, "unknown option %s; did you mean --%s?", name, near);
	else
		usage_error(cmd, "unknown option %s; see 'zhengce %s --help'", name, cmd);
	free(names);
	free(name);
	return EXIT_USAGE;
}

static const char MAIN_HELP[] =
	"usage: zhengce COMMAND [OPTIONS]\n"
	"\n"
	"Builds a research corpus of Chinese government policy documents: searches the central\n"
	"government, the National Health Commission and the 31 provincial governments and health\n"
	"commissions by keyword, applies the study's inclusion criteria and deduplication, and keeps\n"
	"the corpus with province and year in LMDB.\n"
	"\n"
	"commands:\n"
	"  crawl      search every site for every keyword, fetch what is new, select (for cron)\n"
	"  stats      documents and entries by province and year\n"
	"  query      documents by province, year, issuer, type or keyword\n"
	"  export     the corpus as CSV (opens in Excel), JSONL or XLSX\n"
	"  entries    the coded entries (00-29-6-2), one row each\n"
	"  why        why a document (URL or code) was included or excluded\n"
	"  reselect   apply a (changed) profile to the stored documents, no crawling\n"
	"  renumber   give every file code afresh in chronological order (before coding starts)\n"
	"  parse      parse one saved page and print the document as JSON\n"
	"  report     one HTML file with the charts by province and year\n"
	"  check      verify the corpus: indexes, entries and WARC records\n"
	"  seeds      check the seed file (and, with --fetch, each site's first search and list page)\n"
	"\n"
	"common options:\n"
	"  --corpus DIR   the corpus directory (default $ZHENGCE_CORPUS, else ./corpus)\n"
	"  --progress     a progress line on stderr for long work (default: on a terminal); --quiet: none\n"
	"  -h, --help     help for a command: zhengce COMMAND --help\n"
	"  --version      print the version\n"
	"\n"
	"exit codes: 0 ok, 1 failure, 2 usage, 75 another crawl holds the lock, 130/143 crawl stopped\n"
	"by SIGINT/SIGTERM (nothing selected; the next crawl resumes).\n"
	"See man zhengce(1) and docs/ for formats.\n";

/*
 * A list value, in place: items separated by , or ，, each trimmed (a cell pasted from Excel
 * brings its spaces), empty ones dropped, joined by ",".  Returns v ("" when no item is left).
 */
static char *list_clean(char *v)
{
	char *w = v, *r = v;
	for (;;) {
		char *comma = strchr(r, ','), *wide = strstr(r, "，");
		char *end = comma && (!wide || comma < wide) ? comma : wide;
		size_t n = end ? (size_t)(end - r) : strlen(r);
		char *next = end ? end + (end == comma ? 1 : 3) : NULL;
		r[n] = '\0';
		zc_str_trim(r);
		size_t len = strlen(r);
		if (len) {
			if (w != v)
				*w++ = ',';
			memmove(w, r, len);
			w += len;
		}
		if (!next)
			break;
		r = next;
	}
	*w = '\0';
	return v;
}

/*
 * --site: hosts, jurisdiction codes or the names query takes (浙江, 浙江省, Zhejiang), each item
 * matching some site of seeds, else refused naming it (with the nearest host).  Rewrites only
 * (trimmed, names as codes; a new string in *out) and returns -1, or the exit code of the error.
 */
static int sites_resolve(const char *cmd, const char *only, const zc_seeds *seeds, const char *seeds_path, char **out)
{
	char *list = zc_strdup(only);
	list_clean(list);
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int ret = -1;
	for (char *it = list, *next; *it && ret < 0; it = next) {
		next = it + strcspn(it, ",");
		if (*next)
			*next++ = '\0';
		const char *code = zc_province_code(it), *as = it;
		char *unknown = zc_crawl_site_unknown(seeds, it);
		int hit = !unknown;
		free(unknown);
		unknown = NULL;
		if (!hit && code && !(unknown = zc_crawl_site_unknown(seeds, code))) {
			hit = 1;
			as = code;
		}
		free(unknown);
		if (!hit) {
			const char **hosts = zc_calloc(seeds->n + 1, sizeof *hosts);
			for (size_t i = 0; i < seeds->n; i++)
				hosts[i] = seeds->sites[i].host;
			const char *near = nearest_name(it, hosts, seeds->n);
			if (near)
				ret = usage_error(cmd, "--site: no site of %s is \"%s\"; did you mean %s?", seeds_path, it, near);
			else
				ret = usage_error(cmd, "--site: no site of %s is \"%s\" (give hosts such as www.zj.gov.cn, "
						       "jurisdiction codes such as 33 or provinces such as 浙江, comma-separated)",
						  seeds_path, it);
			free(hosts);
		}
		zc_buf_printf(&b, "%s%s", b.len ? "," : "", as);
	}
	if (ret < 0 && !b.len)
		ret = usage_error(cmd, "--site wants a value");
	if (ret < 0)
		*out = zc_strdup(b.data);
	zc_buf_free(&b);
	free(list);
	return ret;
}

/* ---- crawl ---------------------------------------------------------------------------------- */

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
	"  --progress / --quiet  progress on stderr, a line per busy host, then the selection's steps\n"
	"                        (default: on a terminal)\n"
	"  --verbose             say every retry and give-up\n";

/*
 * Progress lines (zc_progress) for long work: --progress and --quiet say; by default on when
 * stderr is a terminal, unless the command's output goes to that terminal too.
 */
static int progress_opt = -1;

static int progress_wanted(int to_stdout)
{
	if (progress_opt >= 0)
		return progress_opt;
	return isatty(2) && !(to_stdout && isatty(1));
}

/* the crawl's article callback: the parser reads the page, the crawler stores its record */
static int on_article(void *arg, const zc_site *site, const char *url, const char *ctype,
		      const char *body, size_t len, json_t **page)
{
	(void)arg;
	(void)site;
	zc_doc *d;
	*page = NULL;
	int rc = zc_parse_page(body, len, url, ctype, &d);
	if (rc == ZC_OK && !*d->title && !*d->body)
		rc = ZC_EPARSE;	/* nothing of a document in it: stored as unparseable */
	if (rc != ZC_OK) {
		zc_doc_free(&d);
		return rc;
	}
	*page = json_pack("{s:o}", "doc", zc_doc_json(d));
	zc_doc_free(&d);
	return ZC_OK;
}

static void print_selection(const zc_select_stats *st, FILE *out)
{
	fprintf(out, "selected: %zu included (%zu national, %zu provincial), %zu entries; excluded:", st->included,
		st->national, st->provincial, st->entries);
	int any = 0;
	for (int i = 0; i < 9; i++)
		if (st->by_reason[i]) {
			fprintf(out, "%s %s %zu", any ? "," : "", ZC_REASONS[i], st->by_reason[i]);
			any = 1;
		}
	fprintf(out, "%s%s\n", any ? "" : " none",
		st->reused ? "; the last selection stands (no page and no profile changed since)" : "");
}

static void print_counts(const zc_crawl_summary *sum, const char *how)
{
	printf("%s%s%ld requests; added %ld, changed %ld, unchanged %ld; %ld failed, %ld not allowed by robots.txt\n", how,
	       sum->resumed ? "resumed: " : "", sum->requests, sum->added, sum->changed, sum->unchanged, sum->failed,
	       sum->skipped_robots);
}

static int cmd_crawl(int argc, char **argv)
{
	static const struct option opts[] = {
		{"corpus", 1, 0, 'C'}, {"seeds", 1, 0, 's'}, {"profile", 1, 0, 'P'}, {"site", 1, 0, 'S'},
		{"delay", 1, 0, 'd'}, {"max-crawl-delay", 1, 0, 'D'}, {"tries", 1, 0, 't'}, {"backoff", 1, 0, 'b'},
		{"timeout", 1, 0, 'T'}, {"max-body", 1, 0, 'm'}, {"user-agent", 1, 0, 'U'}, {"contact", 1, 0, 'c'},
		{"cookies", 1, 0, 'k'}, {"cacert", 1, 0, 'A'}, {"connect-to", 1, 0, 'x'}, {"mirror", 1, 0, 'M'},
		{"progress", 0, 0, 'p'}, {"quiet", 0, 0, 'q'}, {"verbose", 0, 0, 'v'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	zc_crawl_opts o = {0};
	const char *corpus = NULL, *seeds_opt = NULL, *profile_opt = NULL, *contact = NULL;
	char *ua = NULL, *only = NULL;
	char **ct = NULL;
	size_t nct = 0;
	int c, li = 0, ret = 1, done = -1;	/* done: exit now with this code */
	o.delay = 1;
	o.max_crawl_delay = 30;
	o.tries = 4;
	o.backoff = 2;
	o.timeout = 60;
	o.max_body = 16u << 20;
	o.warc_max = 1u << 30;
	optind = 1;
	opterr = 0;
	while (done < 0 && (c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
		char *end = NULL;
		switch (c) {
		case 'C': corpus = optarg; break;
		case 's': seeds_opt = optarg; break;
		case 'P': profile_opt = optarg; break;
		case 'S': o.only = optarg; break;
		case 'd': o.delay = strtod(optarg, &end); break;
		case 'D': o.max_crawl_delay = strtod(optarg, &end); break;
		case 't': o.tries = (int)strtol(optarg, &end, 10); break;
		case 'b': o.backoff = strtod(optarg, &end); break;
		case 'T': o.timeout = strtol(optarg, &end, 10); break;
		case 'm': o.max_body = (size_t)strtoull(optarg, &end, 10); break;
		case 'U': ua = zc_strdup(optarg); break;
		case 'c': contact = optarg; break;
		case 'k': o.cookies = optarg; break;
		case 'A': o.cacert = optarg; break;
		case 'x':
			ct = zc_realloc(ct, (nct + 1) * sizeof *ct);
			ct[nct++] = zc_strdup(optarg);
			break;
		case 'M':
			if (mirror_map(optarg, &ct, &nct) != ZC_OK)
				done = usage_error("crawl", "--mirror wants ADDR:HTTP_PORT:HTTPS_PORT, e.g. 127.0.0.1:8080:8443");
			break;
		case 'p': progress_opt = 1; break;
		case 'q': progress_opt = 0; break;
		case 'v': o.verbose = 1; break;
		case 'h': fputs(CRAWL_HELP, stdout); done = 0; break;
		default: done = option_error("crawl", c, argv, opts); break;
		}
		if (done < 0 && end && (*end || end == optarg))
			done = usage_error("crawl", "--%s wants a number, got %s", opts[li].name, optarg);
	}
	if (done < 0) {
		if (optind < argc)
			done = usage_error("crawl", "unexpected argument %s", argv[optind]);
		else if (o.delay < 0 || o.tries < 1 || o.timeout < 1 || o.max_body < 1024)
			done = usage_error("crawl", "--delay >= 0, --tries >= 1, --timeout >= 1 and --max-body >= 1024");
		/* a file libcurl cannot read would fail every site (TLS) or every challenge, far from here */
		else if (o.cookies && access(o.cookies, R_OK) != 0)
			done = usage_error("crawl", "cannot read --cookies %s: %s", o.cookies, strerror(errno));
		else if (o.cacert && access(o.cacert, R_OK) != 0)
			done = usage_error("crawl", "cannot read --cacert %s: %s", o.cacert, strerror(errno));
	}
	if (done >= 0) {	/* the strings the options took, freed on the way out */
		for (size_t i = 0; i < nct; i++)
			free(ct[i]);
		free(ct);
		free(ua);
		return done;
	}
	corpus = corpus_dir(corpus);
	char *seeds_path = data_file(seeds_opt, "ZHENGCE_SEEDS", "seeds/sites.json");
	char *profile_path = data_file(profile_opt, "ZHENGCE_PROFILE", "profiles/reference.json");
	zc_seeds seeds = {0};
	zc_profile *profile = NULL;
	zc_index *idx = NULL;
	char *err = NULL;
	int lockfd = -1;
	long holder = 0;
	zc_crawl_summary sum = {0};
	int rc = zc_index_lock_crawl(corpus, &lockfd, &holder);
	if (rc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce crawl: another crawl (pid %ld) is running on %s; exiting\n", holder, corpus);
		ret = EXIT_LOCKED;
		goto out;
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce crawl: cannot create the lock in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	if (zc_seeds_load(seeds_path, &seeds, &err) != ZC_OK) {
		fprintf(stderr, "zhengce crawl: bad seed file: %s\n", err);
		goto out;
	}
	if (o.only) {
		int r = sites_resolve("crawl", o.only, &seeds, seeds_path, &only);
		if (r >= 0) {
			ret = r;
			goto out;
		}
		o.only = only;
	}
	if (zc_profile_load(profile_path, &profile, &err) != ZC_OK) {
		fprintf(stderr, "zhengce crawl: profile refused, nothing crawled: %s\n", err);
		ret = EXIT_USAGE;
		goto out;
	}
	if ((rc = zc_index_open(corpus, 0, &idx)) != ZC_OK) {
		fprintf(stderr, "zhengce crawl: cannot open the corpus in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	if (!ua && !contact)	/* once a run: the sites' webmasters can reach the project, not the researcher */
		fprintf(stderr, "zhengce crawl: the User-Agent names no contact of yours; give --contact URL or "
				"mailto:ADDRESS so that a site's webmaster can reach you\n");
	if (!ua)
		ua = zc_asprintf("zhengce/%s (+%s)", ZC_VERSION, contact ? contact : "https://github.com/zhengce");
	o.dir = corpus;
	o.user_agent = ua;
	o.connect_to = ct;
	o.n_connect_to = nct;
	o.keywords = zc_profile_search(profile, &o.n_keywords);
	int progress = progress_wanted(0);
	o.progress = progress;
	rc = zc_crawl_run(idx, &seeds, &o, on_article, NULL, &sum);
	/* a selection of part of the universe would give file codes in the order pages happened to
	   arrive: only a crawl that searched every site to its end (or failed it for a reason it
	   names) is selected; a stopped one leaves the published selection as it was */
	if (rc == ZC_OK) {
		zc_select_stats st;
		const char *step = "indexing the new pages' text";
		zc_progress prog = {.on = progress};
		int src = zc_index_merge_pairs(idx, &prog);
		if (src == ZC_OK) {
			step = "recording the search keywords";
			src = zc_select_note_search(idx, profile);
		}
		if (src == ZC_OK) {
			step = "selection";
			src = zc_select_finalize(idx, profile, 0, &prog, &st);
		}
		if (src != ZC_OK) {
			fprintf(stderr, "zhengce crawl: %s failed: %s\n", step, zc_strerror(src));
			rc = src;
		} else {
			print_counts(&sum, "");
			print_selection(&st, stdout);
		}
	} else if (rc == ZC_EINTR || sum.requests) {
		print_counts(&sum, rc == ZC_EINTR ? "interrupted: " : "stopped: ");
		fflush(stdout);
		if (rc == ZC_EINTR)
			fprintf(stderr, "zhengce crawl: interrupted by %s before every site was searched to its end\n",
				sum.signal == SIGINT ? "SIGINT" : sum.signal == SIGTERM ? "SIGTERM" : "a signal");
		zc_select_stats prev;
		if (zc_select_published(idx, &prev) == ZC_OK)
			fprintf(stderr, "zhengce crawl: nothing selected; the published selection stands whole (%zu included, %zu entries)\n",
				prev.included, prev.entries);
		else
			fprintf(stderr, "zhengce crawl: nothing selected; the corpus has no selection until a crawl completes\n");
		fprintf(stderr, "zhengce crawl: run the crawl again to resume where it stopped\n");
	}
	int failed = 0;
	for (size_t i = 0; i < sum.n_sites && rc != ZC_EINTR; i++)
		if (sum.sites[i].failed) {
			if (!failed)
				fprintf(stderr, "zhengce crawl: these sites were not crawled completely:\n");
			fprintf(stderr, "  %s\n", sum.sites[i].problem);
			failed++;
		}
	ret = rc == ZC_OK && !failed ? 0 : 1;
	if (rc == ZC_EINTR)
		ret = 128 + (sum.signal > 0 ? sum.signal : SIGINT);	/* what a shell reports for a death by it */
	if (rc == ZC_OK && failed)
		fprintf(stderr, "zhengce crawl: %d of %zu sites failed\n", failed, sum.n_sites);
out:
	zc_crawl_summary_free(&sum);
	zc_index_close(&idx);
	zc_profile_free(&profile);
	zc_seeds_free(&seeds);
	zc_index_unlock_crawl(&lockfd);
	for (size_t i = 0; i < nct; i++)
		free(ct[i]);
	free(ct);
	free(ua);
	free(only);
	free(err);
	free(seeds_path);
	free(profile_path);
	return ret;
}

/* ---- seeds check -------------------------------------------------------------------------- */

static const char SEEDS_HELP[] =
	"usage: zhengce seeds check [OPTIONS]\n"
	"\n"
	"Loads the seed file as a crawl does and says what is wrong with it, naming the file, the\n"
	"site and the field (a regex or XPath that does not compile, a template variable or field\n"
	"that does not exist, a host in two sites, ...).  With --fetch, asks each selected site for\n"
	"the first page of every search (the profile's first keyword) and list, robots.txt first,\n"
	"and prints the links found and the pages announced.\n"
	"\n"
	"  --seeds FILE          sites (default seeds/sites.json)\n"
	"  --site LIST           only these sites: hosts, jurisdiction codes or provinces (浙江,\n"
	"                        Zhejiang), comma-separated; one matching no site is refused\n"
	"  --fetch               ask the sites (or the mirror): one request per endpoint\n"
	"  --profile FILE        whose first search keyword is asked for (default profiles/reference.json)\n"
	"  --cookies FILE, --cacert FILE, --connect-to H:P:A:P, --mirror ADDR:P1:P2, --timeout S\n"
	"                        as for crawl\n"
	"\n"
	"exit status: 0 when the file is valid (and, with --fetch, every endpoint found links);\n"
	"1 otherwise; 2 usage.\n";

static int cmd_seeds(int argc, char **argv)
{
	static const struct option opts[] = {
		{"seeds", 1, 0, 's'}, {"site", 1, 0, 'S'}, {"fetch", 0, 0, 'f'}, {"profile", 1, 0, 'P'}, {"cookies", 1, 0, 'k'},
		{"cacert", 1, 0, 'A'}, {"connect-to", 1, 0, 'x'}, {"mirror", 1, 0, 'M'}, {"timeout", 1, 0, 'T'},
		{"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	zc_crawl_opts o = {0};
	const char *seeds_opt = NULL, *profile_opt = NULL;
	char **ct = NULL, *seeds_path = NULL, *profile_path = NULL, *err = NULL, *only = NULL;
	size_t nct = 0;
	int c, li = 0, ret = -1, fetch = 0;
	zc_seeds seeds = {0};
	zc_profile *profile = NULL;
	o.timeout = 30;
	o.max_body = 16u << 20;
	if (argc < 2 || strcmp(argv[1], "check")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(SEEDS_HELP, stdout);
			return 0;
		}
		return usage_error("seeds", "the only seeds command is check: zhengce seeds check [--site S] [--fetch]");
	}
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while (ret < 0 && (c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
		char *end = NULL;
		switch (c) {
		case 's': seeds_opt = optarg; break;
		case 'S': o.only = optarg; break;
		case 'f': fetch = 1; break;
		case 'P': profile_opt = optarg; break;
		case 'k': o.cookies = optarg; break;
		case 'A': o.cacert = optarg; break;
		case 'T': o.timeout = strtol(optarg, &end, 10); break;
		case 'x':
			ct = zc_realloc(ct, (nct + 1) * sizeof *ct);
			ct[nct++] = zc_strdup(optarg);
			break;
		case 'M':
			if (mirror_map(optarg, &ct, &nct) != ZC_OK)
				ret = usage_error("seeds", "--mirror wants ADDR:HTTP_PORT:HTTPS_PORT, e.g. 127.0.0.1:8080:8443");
			break;
		case 'h': fputs(SEEDS_HELP, stdout); ret = 0; break;
		default: ret = option_error("seeds", c, argv, opts); break;
		}
		if (ret < 0 && end && (*end || end == optarg || o.timeout < 1))
			ret = usage_error("seeds", "--timeout wants a whole number of seconds >= 1, not %s", optarg);
	}
	if (ret < 0 && optind < argc)
		ret = usage_error("seeds", "unexpected argument %s", argv[optind]);
	if (ret >= 0)
		goto out;
	ret = 1;
	seeds_path = data_file(seeds_opt, "ZHENGCE_SEEDS", "seeds/sites.json");
	if (zc_seeds_load(seeds_path, &seeds, &err) != ZC_OK) {
		fprintf(stderr, "zhengce seeds: bad seed file: %s\n", err);
		goto out;
	}
	if (o.only) {
		int r = sites_resolve("seeds", o.only, &seeds, seeds_path, &only);
		if (r >= 0) {
			ret = r;
			goto out;
		}
		o.only = only;
	}
	size_t n_sites = 0, n_eps = 0, failed = 0;
	for (size_t i = 0; i < seeds.n; i++) {
		const zc_site *s = &seeds.sites[i];
		if (!zc_crawl_site_selected(o.only, s))
			continue;
		n_sites++;
		n_eps += s->n_search + s->n_lists;
	}
	if (o.only && !n_sites) {
		fprintf(stderr, "zhengce seeds: no site of %s is %s\n", seeds_path, o.only);
		goto out;
	}
	printf("%s: %zu sites, %zu endpoints: valid\n", seeds_path, n_sites, n_eps);
	if (!fetch) {
		ret = 0;
		goto out;
	}
	profile_path = data_file(profile_opt, "ZHENGCE_PROFILE", "profiles/reference.json");
	if (zc_profile_load(profile_path, &profile, &err) != ZC_OK) {
		fprintf(stderr, "zhengce seeds: bad profile: %s\n", err);
		goto out;
	}
	size_t nkw = 0;
	const char *const *kws = zc_profile_search(profile, &nkw);
	char ua[128];
	snprintf(ua, sizeof ua, "zhengce/%s (+https://github.com/zhengce)", ZC_VERSION);
	o.user_agent = ua;
	o.connect_to = ct;
	o.n_connect_to = nct;
	for (size_t i = 0; i < seeds.n; i++) {
		const zc_site *s = &seeds.sites[i];
		if (!zc_crawl_site_selected(o.only, s))
			continue;
		for (size_t k = 0; k < s->n_search + s->n_lists; k++) {
			int is_search = k < s->n_search;
			const zc_endpoint *ep = is_search ? &s->search[k] : &s->lists[k - s->n_search];
			zc_links l;
			char *why = NULL;
			int rc = zc_seeds_probe(ep, is_search && nkw ? kws[0] : NULL, &o, &l, &why);
			/* a search may rightly find nothing for one keyword; a list never */
			if (rc == ZC_OK && l.n == 0 && !is_search)
				why = zc_asprintf("%s found no links: the site may have been redesigned", ep->url);
			if (why) {
				printf("%-26s %-6s %zu  FAILED: %s\n", s->host, is_search ? "search" : "list",
				       is_search ? k + 1 : k - s->n_search + 1, why);
				failed++;
			} else {
				printf("%-26s %-6s %zu  %zu links, %ld pages announced%s%s\n", s->host, is_search ? "search" : "list",
				       is_search ? k + 1 : k - s->n_search + 1, l.n, l.pages, is_search ? " for " : "",
				       is_search && nkw ? kws[0] : "");
			}
			if (rc == ZC_OK)
				zc_links_free(&l);
			free(why);
		}
	}
	if (failed)
		fprintf(stderr, "zhengce seeds: %zu of %zu endpoints failed\n", failed, n_eps);
	ret = failed ? 1 : 0;
out:
	for (size_t i = 0; i < nct; i++)
		free(ct[i]);
	free(ct);
	zc_seeds_free(&seeds);
	zc_profile_free(&profile);
	free(err);
	free(only);
	free(seeds_path);
	free(profile_path);
	return ret;
}

/* ---- reading the corpus ------------------------------------------------------------------ */

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int open_corpus(const char *cmd, const char *corpus, zc_index **idx)
{
	int rc = zc_index_open(corpus, ZC_INDEX_RDONLY, idx);
	if (rc == ZC_ENOTFOUND) {
		/* a crawl would ask the real sites: the message says where the directory came from
		   rather than propose one */
		if (corpus_from)
			fprintf(stderr, "zhengce %s: no corpus in %s (given by %s); check the path, or build one there with "
					"zhengce crawl (scripts/demo's is out/corpus)\n", cmd, corpus, corpus_from);
		else
			fprintf(stderr, "zhengce %s: no corpus in ./%s (the default: no --corpus given and $ZHENGCE_CORPUS "
					"unset); give --corpus DIR (scripts/demo's is out/corpus)\n", cmd, corpus);
		return 1;
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce %s: cannot open the corpus in %s: %s\n", cmd, corpus, zc_strerror(rc));
		return 1;
	}
	return 0;
}

/*
 * --year: Y, Y1-Y2, Y1- (from Y1 on) or -Y2 (up to Y2), spaces around trimmed.  0 and a message
 * on stderr when it is none of them.
 */
static int parse_years(const char *cmd, char *s, int *y1, int *y2)
{
	zc_str_trim(s);
	char shown[64];
	snprintf(shown, sizeof shown, "%s", s);
	char *dash = strchr(s, '-');
	long a = 1, b = 9999;	/* open ends: every year a document can have */
	int ok = *s && strcmp(s, "-");
	if (ok && dash)
		*dash = '\0';
	if (ok && (dash != s && zc_parse_long(zc_str_trim(s), 1000, 9999, &a) != ZC_OK))
		ok = 0;
	if (ok && !dash)
		b = a;
	else if (ok && dash[1] && zc_parse_long(zc_str_trim(dash + 1), 1000, 9999, &b) != ZC_OK)
		ok = 0;
	if (!ok) {
		usage_error(cmd, "--year wants YYYY, YYYY-YYYY, YYYY- (from) or -YYYY (up to), not %s", s);
		return 0;
	}
	if (a > b) {
		usage_error(cmd, "--year %ld-%ld is backwards: the first year comes after the second; write %ld-%ld", a, b, b, a);
		return 0;
	}
	*y1 = (int)a;
	*y2 = (int)b;
	return 1;
}

/* the reference study's regions (docs/DESIGN.md): province names */
static const struct {
	const char *name;
	const char *provinces;
} REGIONS[] = {
	{"east", "北京,天津,河北,上海,江苏,浙江,福建,山东,广东,海南"},
	{"centre", "山西,安徽,江西,河南,湖北,湖南"},
	{"west", "内蒙古,广西,重庆,四川,贵州,云南,西藏,陕西,甘肃,青海,宁夏,新疆"},
	{"north-east", "辽宁,吉林,黑龙江"},
};

/* adds a jurisdiction code to the list buf (of 3 * 40 bytes), once */
static void juris_add(char *buf, size_t size, const char *code)
{
	for (const char *p = buf; *p; p += p[2] ? 3 : 2)
		if (!strncmp(p, code, 2))
			return;
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s%s", n ? "," : "", code);
}

/* ---- stats ---------------------------------------------------------------------------------- */

/* counts from the decision records alone (they carry jurisdiction, date and entries) */
static int stats_add(json_t *dec, void *arg)
{
	zc_stats *s = arg;
	if (!strcmp(jstr(dec, "decision"), "included"))
		zc_stats_add(s, jstr(dec, "jurisdiction"), jstr(dec, "date"),
			     (long)json_integer_value(json_object_get(dec, "entries")));
	else if (*jstr(dec, "reason"))
		zc_stats_excluded(s, jstr(dec, "reason"));
	return 0;
}

/* the counts, and for the report the profile and crawl date, from one snapshot */
typedef struct count_ctx {
	zc_stats *s;
	char *profile, *crawled;
} count_ctx;

static int count_txn(zc_txn *t, void *arg)
{
	count_ctx *c = arg;
	zc_tx_meta_get(t, "profile", &c->profile);
	zc_tx_meta_get(t, "last_crawl", &c->crawled);
	return zc_tx_decisions_each(t, stats_add, c->s);
}

static int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {{"corpus", 1, 0, 'C'}, {"by", 1, 0, 'b'}, {"format", 1, 0, 'f'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	const char *corpus = NULL, *by = "summary";
	enum zc_format fmt = ZC_FMT_TABLE;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 'b': by = optarg; break;
		case 'f':
			if (zc_format_parse(optarg, &fmt) != ZC_OK || fmt == ZC_FMT_XLSX)
				return usage_error("stats", "--format is table, csv or json");
			break;
		case 'h':
			fputs("usage: zhengce stats [--corpus DIR] [--by summary|province|year|province-year] [--format table|csv|json]\n"
			      "\nDocuments and entries of the corpus by province and year (year = written date, else\n"
			      "published date), national and provincial totals, and exclusions by reason.\n", stdout);
			return 0;
		default: return option_error("stats", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("stats", "unexpected argument %s", argv[optind]);
	if (strcmp(by, "summary") && strcmp(by, "province") && strcmp(by, "year") && strcmp(by, "province-year"))
		return usage_error("stats", "--by is summary, province, year or province-year");
	zc_index *idx;
	if (open_corpus("stats", corpus_dir(corpus), &idx))
		return 1;
	count_ctx n = {zc_stats_new(), NULL, NULL};
	int rc = zc_index_read(idx, count_txn, &n);
	if (rc == ZC_OK)
		zc_stats_print(n.s, stdout, by, fmt);
	zc_stats_free(&n.s);
	free(n.profile);
	free(n.crawled);
	zc_index_close(&idx);
	return rc == ZC_OK ? 0 : 1;
}

/* ---- export, query, entries ------------------------------------------------------------------ */

typedef struct exp_ctx {
	zc_exporter *e;
	zc_query f;
	long n;
	int rc;			/* why a row could not be written (a full disk) */
	zc_progress prog;
} exp_ctx;

static int export_one(json_t *page, void *arg)
{
	exp_ctx *x = arg;
	x->n++;
	x->rc = zc_export_doc(x->e, page);
	zc_progress_show(&x->prog, "export: %ld documents written", x->n);
	return x->rc != ZC_OK;
}

/* query's table: code, date, province, type, title */
typedef struct tbl_ctx {
	zc_query f;
	FILE *out;
	long n;
} tbl_ctx;

static int table_one(json_t *page, void *arg)
{
	tbl_ctx *t = arg;
	json_t *doc = json_object_get(page, "doc");
	char code[32] = "";
	json_int_t fc = json_integer_value(json_object_get(page, "file_code"));
	if (fc && !strcmp(jstr(page, "decision"), "included"))
		snprintf(code, sizeof code, "%s-%lld", jstr(page, "jurisdiction"), (long long)fc);
	const char *prov = zc_province_name(jstr(page, "jurisdiction"));
	const char *w = *jstr(doc, "written_date") ? jstr(doc, "written_date") : jstr(doc, "published_date");
	/* a title from the web reaches the terminal: no control or bidi character of it does */
	char *title = zc_text_visible(jstr(doc, "title"), 0), *type = zc_text_visible(jstr(doc, "type"), 0);
	if (t->f.which != ZC_Q_INCLUDED)
		fprintf(t->out, "%-7s %-10s %-6s %-4s %s  [%s]\n", code, w, prov ? prov : "", type, title,
			*jstr(page, "reason") ? jstr(page, "reason") : "included");
	else
		fprintf(t->out, "%-7s %-10s %-6s %-4s %s\n", code, w, prov ? prov : "", type, title);
	free(title);
	free(type);
	t->n++;
	return 0;
}

static int table_write(zc_index *idx, FILE *f, const zc_query *flt)
{
	tbl_ctx t = {*flt, f, 0};
	int rc = zc_index_query(idx, flt, table_one, &t);
	/* the count is a note, not a row: on stderr, so that | wc -l counts documents */
	fprintf(stderr, "%ld document%s\n", t.n, t.n == 1 ? "" : "s");
	return rc;
}

/* entries: scan the entries table, join each with its page */
typedef struct ent_ctx {
	zc_exporter *e;
	const zc_query *f;
	zc_txn *t;
	int rc;
	long n;
	zc_progress prog;
} ent_ctx;

static int entry_one(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	ent_ctx *x = arg;
	json_t *ent = zc_record_parse(v, vl), *page = NULL;
	if (ent && zc_tx_page_get(x->t, (uint64_t)json_integer_value(json_object_get(ent, "page")), &page) == ZC_OK &&
	    zc_query_matches(x->f, page)) {
		x->rc = zc_export_entry(x->e, ent, page);
		zc_progress_show(&x->prog, "entries: %ld written", ++x->n);
	}
	json_decref(ent);
	json_decref(page);
	return x->rc != ZC_OK;
}

static int entries_txn(zc_txn *t, void *arg)
{
	ent_ctx *x = arg;
	x->t = t;
	int rc = zc_tx_scan(t, ZC_T_ENTRIES, NULL, 0, entry_one, x);
	return rc != ZC_OK ? rc : x->rc;
}

/*
 * An output file (-o) is written beside its name, as NAME.part-PID, and renamed over it once it
 * is whole and on disk: an export that fails (a full disk) or is killed never leaves a file cut
 * short under the name, nor destroys the one an earlier run wrote there.
 */
static char *part_name(const char *out)
{
	/* the parts a killed run left beside out (its pid gone) go: nothing else ever removes them */
	char *dir = zc_strdup(out), *slash = strrchr(dir, '/');
	const char *base = slash ? out + (slash - dir) + 1 : out;
	if (slash)
		slash[1] = '\0';
	char *prefix = zc_asprintf("%s.part-", base);
	DIR *d = opendir(slash ? dir : ".");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char *end = NULL;
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		long pid = strtol(e->d_name + strlen(prefix), &end, 10);
		if (pid > 0 && end && !*end && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
			char *stale = zc_asprintf("%s%s", slash ? dir : "", e->d_name);
			if (unlink(stale) == 0)
				fprintf(stderr, "zhengce: removed %s, left by a run that was killed while writing it\n", stale);
			free(stale);
		}
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dir);
	return zc_asprintf("%s.part-%ld", out, (long)getpid());
}

/* closes f (when not NULL) and, rc being ZC_OK, puts the part in place of out; else removes it
   and says why, and whether out is still the file an earlier run wrote */
static int part_finish(const char *cmd, FILE *f, const char *part, const char *out, int rc)
{
	if (f) {
		if (rc == ZC_OK && (fflush(f) != 0 || fsync(fileno(f)) != 0))
			rc = zc_write_error(errno);
		if (fclose(f) != 0 && rc == ZC_OK)
			rc = zc_write_error(errno);
	} else if (rc == ZC_OK) {
		/* written by a library (XLSX): its bytes to disk before the rename */
		int fd = open(part, O_RDONLY);
		if (fd < 0 || fsync(fd) != 0)
			rc = ZC_EIO;
		if (fd >= 0)
			close(fd);
	}
	if (rc == ZC_OK && rename(part, out) != 0)
		rc = ZC_EIO;
	if (rc != ZC_OK) {
		unlink(part);
		fprintf(stderr, "zhengce %s: cannot write %s: %s%s\n", cmd, out, zc_strerror(rc),
			access(out, F_OK) == 0 ? " (the file there is as it was)" : "");
	}
	return rc;
}

static int entries_write(zc_index *idx, FILE *f, const char *out, enum zc_format fmt, int bom, const zc_query *flt,
			 int progress, json_t *about)
{
	ent_ctx x = {NULL, flt, NULL, ZC_OK, 0, {.on = progress}};
	int rc = zc_export_begin(f, out, fmt == ZC_FMT_TABLE ? ZC_FMT_CSV : fmt, "entries", 0, bom, about, &x.e);
	if (rc != ZC_OK)
		return rc;
	rc = zc_index_read(idx, entries_txn, &x);
	zc_progress_end(&x.prog);
	int erc = zc_export_end(&x.e);
	return rc != ZC_OK ? rc : erc;
}

/* the format a file's extension names (.csv, .jsonl, .xlsx, any case) */
static int format_of_name(const char *name, enum zc_format *fmt)
{
	const char *slash = strrchr(name, '/'), *dot = strrchr(slash ? slash : name, '.');
	enum zc_format f;
	if (!dot || zc_format_parse(dot + 1, &f) != ZC_OK || f == ZC_FMT_TABLE || f == ZC_FMT_JSON)
		return ZC_EUSAGE;
	*fmt = f;
	return ZC_OK;
}

static int cmd_export_like(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{"corpus", 1, 0, 'C'}, {"format", 1, 0, 'f'}, {"excluded", 0, 0, 'x'}, {"all", 0, 0, 'a'},
		{"output", 1, 0, 'o'}, {"no-bom", 0, 0, 'n'}, {"province", 1, 0, 'p'}, {"year", 1, 0, 'y'},
		{"issuer", 1, 0, 'i'}, {"type", 1, 0, 't'}, {"keyword", 1, 0, 'k'}, {"region", 1, 0, 'r'}, {"progress", 0, 0, 'P'},
		{"quiet", 0, 0, 'Q'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	int is_query = !strcmp(cmd, "query"), is_entries = !strcmp(cmd, "entries");
	const char *corpus = NULL, *out = NULL;
	enum zc_format fmt = is_query ? ZC_FMT_TABLE : ZC_FMT_CSV;
	int bom = 1, c, fmt_given = 0;
	exp_ctx x = {0};
	char juris[3 * 40] = "";	/* --province and --region: the jurisdictions' codes */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 'f':
			if (zc_format_parse(optarg, &fmt) != ZC_OK || fmt == ZC_FMT_JSON || (fmt == ZC_FMT_TABLE && !is_query))
				return usage_error(cmd, "--format is %s, not %s", is_query ? "table, csv or jsonl" : "csv, jsonl or xlsx",
						   optarg);
			fmt_given = 1;
			break;
		case 'x': x.f.which = ZC_Q_EXCLUDED; break;
		case 'a': x.f.which = ZC_Q_ALL; break;
		case 'o': out = optarg; break;
		case 'n': bom = 0; break;
		case 'p':
			if (!*list_clean(optarg))
				return usage_error(cmd, "--province wants a value");
			for (char *it = optarg, *next; *it; it = next) {
				next = it + strcspn(it, ",");
				if (*next)
					*next++ = '\0';
				const char *code = zc_province_code(it);
				if (!code)
					return usage_error(cmd, "unknown province %s (use 浙江, 浙江省, Zhejiang or 33; several: 浙江,江苏)", it);
				juris_add(juris, sizeof juris, code);
			}
			break;
		case 'r': {
			size_t i = 0;
			zc_str_trim(optarg);
			while (i < sizeof REGIONS / sizeof *REGIONS && strcmp(optarg, REGIONS[i].name))
				i++;
			if (i == sizeof REGIONS / sizeof *REGIONS)
				return usage_error(cmd, "unknown region %s: the regions are east, centre, west and north-east", optarg);
			for (const char *p = REGIONS[i].provinces; *p;) {
				size_t n = strcspn(p, ",");
				char name[16];
				snprintf(name, sizeof name, "%.*s", (int)n, p);
				juris_add(juris, sizeof juris, zc_province_code(name));
				p += n + (p[n] == ',');
			}
			break;
		}
		case 'y':
			if (!parse_years(cmd, optarg, &x.f.y1, &x.f.y2))
				return EXIT_USAGE;
			break;
		case 'i': x.f.issuer = list_clean(optarg); break;
		case 't': {
			const char *types[64];
			size_t nt = zc_doc_types(types, 64);
			x.f.type = list_clean(optarg);
			for (const char *it = x.f.type; *it;) {
				size_t n = strcspn(it, ","), k = 0;
				while (k < nt && (strlen(types[k]) != n || strncmp(types[k], it, n)))
					k++;
				if (k == nt) {
					zc_buf b;
					zc_buf_init(&b, ZC_BUF_UNLIMITED);
					for (k = 0; k < nt; k++)
						zc_buf_printf(&b, "%s%s", k ? " " : "", types[k]);
					usage_error(cmd, "unknown type %.*s: the types are %s (several: --type 意见,通知)", (int)n,
						    it, b.data);
					zc_buf_free(&b);
					return EXIT_USAGE;
				}
				it += n + (it[n] == ',');
			}
			break;
		}
		case 'k': x.f.keyword = list_clean(optarg); break;
		case 'P': progress_opt = 1; break;
		case 'Q': progress_opt = 0; break;
		case 'h':
			if (is_entries)
				fputs("usage: zhengce entries [--corpus DIR] [--format csv|jsonl|xlsx] [-o FILE] [--no-bom]\n"
				      "                       [--province P] [--region R] [--year Y] [--issuer S] [--type T] [--keyword K]\n"
				      "\nOne row per entry: code (00-29-6-2 = national, file 29, section 六, item （二）), the\n"
				      "document's code, jurisdiction, province, year, title, section, item and the entry's text.\n"
				      "The filters, as for query, keep the entries of the documents they match.\n", stdout);
			else if (is_query)
				fputs("usage: zhengce query [--corpus DIR] [--province 浙江|浙江省|Zhejiang|33] [--region R] [--year Y]\n"
				      "                     [--issuer S] [--type T] [--keyword K] [--excluded|--all]\n"
				      "                     [--format table|csv|jsonl] [-o FILE]\n"
				      "\nDocuments that match every filter given.  --province, --type, --keyword and --issuer take\n"
				      "lists (浙江,江苏: either); --region is east, centre, west or north-east (the reference\n"
				      "study's regions; with --province, either); --year is Y, Y1-Y2, Y1- (from) or -Y2 (up to);\n"
				      "--type is one of the parser's types (通知 意见 方案 … 解读 转发 新闻 other).\n", stdout);
			else
				fputs("usage: zhengce export [--corpus DIR] [--format csv|jsonl|xlsx] [--excluded|--all] [-o FILE] [--no-bom]\n"
				      "                      [--province P] [--region R] [--year Y] [--issuer S] [--type T] [--keyword K]\n"
				      "\nThe corpus, one row per document (docs/CSV.md lists the columns).  CSV is UTF-8 with a BOM\n"
				      "so Excel shows Chinese correctly; --no-bom for tools that dislike it.  --excluded gives the\n"
				      "excluded documents instead, --all every page, with their decision, reason and evidence;\n"
				      "the filters, as for query, narrow it.  Without --format, -o's extension (.csv, .jsonl, .xlsx)\n"
				      "gives the format; -o - is standard output (XLSX wants a file).\n", stdout);
			return 0;
		default: return option_error(cmd, c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument %s", argv[optind]);
	if (*juris)
		x.f.jurisdiction = juris;
	if ((x.f.issuer && !*x.f.issuer) || (x.f.type && !*x.f.type) || (x.f.keyword && !*x.f.keyword))
		return usage_error(cmd, "--%s wants a value", x.f.keyword && !*x.f.keyword ? "keyword" : x.f.type && !*x.f.type ? "type" : "issuer");
	/* -o - is standard output (curl's, wget's); without --format the file's extension says */
	if (out && !strcmp(out, "-"))
		out = NULL;
	else if (out && !fmt_given && format_of_name(out, &fmt) != ZC_OK)
		return usage_error(cmd, "cannot tell the format from the name %s: end it in .csv, .jsonl%s or give --format",
				   out, is_query ? "" : ", .xlsx");
	if (fmt == ZC_FMT_XLSX && is_query)
		return usage_error(cmd, "query writes table, csv or jsonl; for XLSX use export (the same filters)");
	if (fmt == ZC_FMT_XLSX && !out)
		return usage_error(cmd, "XLSX cannot go to standard output: give -o FILE.xlsx");
	zc_index *idx;
	if (open_corpus(cmd, corpus_dir(corpus), &idx))
		return 1;
	FILE *f = stdout;
	char *part = out ? part_name(out) : NULL;
	if (out && fmt != ZC_FMT_XLSX && !(f = fopen(part, "w"))) {
		fprintf(stderr, "zhengce %s: cannot write %s: %s\n", cmd, out, strerror(errno));
		free(part);
		zc_index_close(&idx);
		return 1;
	}
	int rc;
	int progress = !is_query && progress_wanted(!out);
	json_t *about = zc_select_profile_record(idx);	/* every row names the selection's profile */
	if (is_entries) {
		rc = entries_write(idx, f, part, fmt, bom, &x.f, progress, about);
	} else if (fmt == ZC_FMT_TABLE) {
		rc = table_write(idx, f, &x.f);
	} else {
		rc = zc_export_begin(f, part, fmt, "documents", x.f.which != ZC_Q_INCLUDED, bom, about, &x.e);
		if (rc == ZC_OK) {
			x.prog.on = progress;
			rc = zc_index_query(idx, &x.f, export_one, &x);
			zc_progress_end(&x.prog);
			if (rc != ZC_OK && x.rc != ZC_OK)
				rc = x.rc;
			int erc = zc_export_end(&x.e);
			if (rc == ZC_OK)
				rc = erc;
		}
	}
	if (out)
		rc = part_finish(cmd, f != stdout ? f : NULL, part, out, rc);
	else if (rc != ZC_OK)
		fprintf(stderr, "zhengce %s: %s\n", cmd, zc_strerror(rc));
	free(part);
	json_decref(about);
	zc_index_close(&idx);
	return rc != ZC_OK;
}

/*
 * Options of the simple commands: every option sets one string; at most npos arguments follow.
 * Returns -1 when the command goes on, else its exit code (0 after --help, 2 for a usage error).
 */
typedef struct cli_opt {
	const char *name;
	const char **target;
} cli_opt;

static int simple_options(const char *cmd, const char *help, int argc, char **argv, const cli_opt *o, size_t n,
			  int npos)
{
	struct option *lo = zc_calloc(n + 4, sizeof *lo);
	for (size_t i = 0; i < n; i++)
		lo[i] = (struct option){o[i].name, 1, 0, (int)(i + 1)};
	lo[n] = (struct option){"help", 0, 0, 'h'};
	lo[n + 1] = (struct option){"progress", 0, 0, 'P'};
	lo[n + 2] = (struct option){"quiet", 0, 0, 'Q'};
	int c, ret = -1;
	optind = 1;
	opterr = 0;
	while (ret < 0 && (c = getopt_long(argc, argv, ":ho:", lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			ret = 0;
		} else if (c == 'o') {
			for (size_t i = 0; i < n; i++)
				if (!strcmp(o[i].name, "output"))
					*o[i].target = optarg;
		} else if (c == 'P' || c == 'Q') {
			progress_opt = c == 'P';
		} else if (c >= 1 && (size_t)c <= n) {
			*o[c - 1].target = optarg;
		} else {
			ret = option_error(cmd, c, argv, lo);
		}
	}
	free(lo);
	if (ret < 0 && optind + npos < argc)
		ret = usage_error(cmd, "unexpected argument %s", argv[optind + npos]);
	return ret;
}

/* ---- why ------------------------------------------------------------------------------------- */

typedef struct why_ctx {
	const char *arg;
	json_t *page;
} why_ctx;

static int why_txn(zc_txn *t, void *arg)
{
	why_ctx *w = arg;
	uint64_t id;
	if (zc_tx_page_id(t, w->arg, &id) == ZC_OK)
		return zc_tx_page_get(t, id, &w->page);
	/* a URL as a browser shows it: without its #fragment, and by the other scheme */
	if (!strncmp(w->arg, "http://", 7) || !strncmp(w->arg, "https://", 8)) {
		size_t n = strcspn(w->arg, "#");
		const char *rest = w->arg + (w->arg[4] == 's' ? 8 : 7);
		int len = (int)(n - (size_t)(rest - w->arg));
		char *same = zc_asprintf("%.*s", (int)n, w->arg);
		char *other = zc_asprintf("%s%.*s", w->arg[4] == 's' ? "http://" : "https://", len, rest);
		int rc = zc_tx_page_id(t, same, &id) == ZC_OK || zc_tx_page_id(t, other, &id) == ZC_OK
				 ? zc_tx_page_get(t, id, &w->page) : ZC_ENOTFOUND;
		free(same);
		free(other);
		return rc;
	}
	/* a code: 33-12 (document) or 33-12-3-2 (entry) */
	char code[64];
	int j, f;
	if (sscanf(w->arg, "%d-%d", &j, &f) == 2) {
		snprintf(code, sizeof code, "%02d-%d", j, f);
		char *v;
		size_t n;
		if (zc_tx_get(t, ZC_T_FILECODE, code, strlen(code), &v, &n) == ZC_OK) {
			id = n == 8 ? zc_key_u64(v) : 0;
			free(v);
			return zc_tx_page_get(t, id, &w->page);
		}
	}
	return ZC_ENOTFOUND;
}

static int cmd_why(int argc, char **argv)
{
	const char *corpus = NULL;
	const cli_opt opts[] = {{"corpus", &corpus}};
	int ret = simple_options("why", "usage: zhengce why [--corpus DIR] URL|CODE\n\nWhy a document was included or excluded: the decision, its reason and\n"
				 "evidence, the document's fields and every source where it was seen.\n", argc, argv, opts, 1, 1);
	if (ret >= 0)
		return ret;
	if (optind != argc - 1)
		return usage_error("why", "give one URL or code (33-12, 00-29-6-2)");
	zc_index *idx;
	if (open_corpus("why", corpus_dir(corpus), &idx))
		return 1;
	why_ctx w = {argv[optind], NULL};
	int rc = zc_index_read(idx, why_txn, &w);
	zc_index_close(&idx);
	if (rc != ZC_OK || !w.page) {
		fprintf(stderr, "zhengce why: %s is not in the corpus (neither a fetched URL nor a file code)\n", argv[optind]);
		return 1;
	}
	json_t *p = w.page, *doc = json_object_get(p, "doc");
	int inc = !strcmp(jstr(p, "decision"), "included");
	json_int_t fc = json_integer_value(json_object_get(p, "file_code"));
	printf("%s\n", jstr(doc, "title"));
	if (inc)
		printf("INCLUDED as %s-%lld: %s\n", jstr(p, "jurisdiction"), (long long)fc, jstr(p, "evidence"));
	else
		printf("EXCLUDED (%s): %s\n", jstr(p, "reason"), jstr(p, "evidence"));
	if (*jstr(p, "canonical_url"))
		printf("canonical copy: %s\n", jstr(p, "canonical_url"));
	const char *prov = zc_province_name(jstr(p, "jurisdiction"));
	printf("jurisdiction:   %s %s\n", jstr(p, "jurisdiction"), prov ? prov : "");
	printf("document no.:   %s\n", *jstr(doc, "docno") ? jstr(doc, "docno") : "(none)");
	printf("issuers:        ");
	json_t *iss = json_object_get(doc, "issuers");
	for (size_t i = 0; i < json_array_size(iss); i++)
		printf("%s%s", i ? "、" : "", json_string_value(json_array_get(iss, i)));
	printf("%s\n", json_array_size(iss) ? "" : "(none on the page)");
	printf("written:        %s\npublished:      %s\ntype:           %s\nvalidity:       %s\n",
	       *jstr(doc, "written_date") ? jstr(doc, "written_date") : "(not given)", jstr(doc, "published_date"),
	       jstr(doc, "type"), *jstr(doc, "validity") ? jstr(doc, "validity") : "(not given)");
	printf("entries:        %lld\n", (long long)json_integer_value(json_object_get(p, "entries")));
	printf("sources:\n");
	json_t *src = json_object_get(p, "sources");
	for (size_t i = 0; i < json_array_size(src); i++)
		printf("  %s\n", json_string_value(json_array_get(src, i)));
	json_t *warc = json_object_get(p, "warc");
	printf("fetched %s; archived in warc/%s at offset %lld, record %s\n", jstr(p, "fetched_at"), jstr(warc, "file"),
	       (long long)json_integer_value(json_object_get(warc, "offset")), jstr(warc, "record_id"));
	json_decref(p);
	return 0;
}

/* ---- reselect -------------------------------------------------------------------------------- */

static const char RESELECT_HELP[] =
	"usage: zhengce reselect [--corpus DIR] [--profile FILE] [--dry-run] [--diff FILE]\n"
	"\n"
	"Applies a profile to the stored documents without crawling.  File codes of documents that\n"
	"stay included never change; newly included ones get the next free codes.  Prints the\n"
	"selection's counts and how many documents and entries enter and leave it.\n"
	"\n"
	"  --dry-run     decide, publish nothing: list each document and entry that would enter or\n"
	"                leave, with its code, title and reason\n"
	"  --diff FILE   write that list as CSV (change, kind, code, title, reason, evidence, url)\n"
	"\n"
	"Documents that only the profile's new search_keywords would find need a crawl: reselect\n"
	"says so when the last crawl searched for other words.\n";

/* a CSV cell as exports write it (RFC 4180, formula-like cells neutralised: docs/CSV.md) */
static void csv_cell(FILE *f, const char *s, int last)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_csv_cell(&b, s);
	if (b.len)
		fwrite(b.data, 1, b.len, f);
	zc_buf_free(&b);
	fputs(last ? "\r\n" : ",", f);
}

/* the changes as CSV (UTF-8 with a byte order mark, for Excel: docs/CSV.md) */
static int write_diff(const char *path, json_t *changes)
{
	char *part = part_name(path);
	FILE *f = fopen(part, "wb");
	int rc = f ? ZC_OK : zc_write_error(errno);
	if (f) {
		static const char *const cols[] = {"change", "kind", "code", "title", "reason", "evidence", "url"};
		fputs("\xEF\xBB\xBF", f);
		for (int c = 0; c < 7; c++)
			csv_cell(f, cols[c], c == 6);
		size_t i;
		json_t *ch;
		json_array_foreach(changes, i, ch)
			for (int c = 0; c < 7; c++)
				csv_cell(f, jstr(ch, cols[c]), c == 6);
		if (ferror(f))
			rc = zc_write_error(errno);
	}
	rc = part_finish("reselect", f, part, path, rc);
	free(part);
	return rc;
}

static void print_changes(json_t *changes, int list)
{
	size_t n[2][2] = {{0, 0}, {0, 0}}, i;	/* [document, entry][enters, leaves] */
	json_t *ch;
	json_array_foreach(changes, i, ch) {
		int entry = !strcmp(jstr(ch, "kind"), "entry"), leaves = !strcmp(jstr(ch, "change"), "leaves");
		n[entry][leaves]++;
		if (list)
			printf("%-6s  %-8s  %-12s  %s  (%s%s%s)\n", jstr(ch, "change"), jstr(ch, "kind"), jstr(ch, "code"),
			       jstr(ch, "title"), jstr(ch, "reason"), *jstr(ch, "evidence") ? ": " : "", jstr(ch, "evidence"));
	}
	printf("changes: %zu documents enter, %zu leave; %zu entries enter, %zu leave\n", n[0][0], n[0][1], n[1][0], n[1][1]);
}

static int cmd_reselect(int argc, char **argv)
{
	static const struct option opts[] = {{"corpus", 1, 0, 'C'}, {"profile", 1, 0, 'P'}, {"dry-run", 0, 0, 'n'},
					     {"diff", 1, 0, 'd'}, {"progress", 0, 0, 'p'}, {"quiet", 0, 0, 'q'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	const char *corpus = NULL, *popt = NULL, *diff = NULL;
	int dry = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 'P': popt = optarg; break;
		case 'n': dry = 1; break;
		case 'd': diff = optarg; break;
		case 'p': progress_opt = 1; break;
		case 'q': progress_opt = 0; break;
		case 'h': fputs(RESELECT_HELP, stdout); return 0;
		default: return option_error("reselect", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("reselect", "unexpected argument %s", argv[optind]);
	corpus = corpus_dir(corpus);
	char *ppath = data_file(popt, "ZHENGCE_PROFILE", "profiles/reference.json"), *err = NULL, *missing = NULL;
	zc_profile *p = NULL;
	zc_index *idx = NULL;
	json_t *changes = NULL;
	int lockfd = -1, ret = 1;
	long holder;
	/* only crawl makes a corpus: a mistyped --corpus is an error, not a new empty corpus */
	char *data = zc_asprintf("%s/corpus/data.mdb", corpus);
	int exists = access(data, F_OK) == 0;
	free(data);
	if (!exists) {
		fprintf(stderr, "zhengce reselect: no corpus in %s; check --corpus, or run 'zhengce crawl --corpus %s' first\n",
			corpus, corpus);
		goto out;
	}
	int lrc = zc_index_lock_crawl(corpus, &lockfd, &holder);
	if (lrc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce reselect: a crawl (pid %ld) is running on %s; try again when it ends\n", holder, corpus);
		ret = EXIT_LOCKED;
		goto out;
	}
	if (lrc != ZC_OK) {
		fprintf(stderr, "zhengce reselect: cannot take the lock in %s: %s\n", corpus, zc_strerror(lrc));
		goto out;
	}
	if (zc_profile_load(ppath, &p, &err) != ZC_OK) {
		fprintf(stderr, "zhengce reselect: profile refused, nothing selected: %s\n", err);
		ret = EXIT_USAGE;
		goto out;
	}
	int rc = zc_index_open(corpus, 0, &idx);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce reselect: cannot open the corpus in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	zc_select_stats st;
	zc_progress prog = {.on = progress_wanted(0)};
	rc = zc_select_run(idx, p, ZC_SELECT_FORCE | ZC_SELECT_CHANGES | (dry ? ZC_SELECT_DRY_RUN : 0), &prog, &st, &changes);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce reselect: %s\n", zc_strerror(rc));
		goto out;
	}
	printf("profile: %s\n", zc_profile_name(p));
	if (dry)
		printf("dry run: nothing published; the selection would be:\n");
	print_selection(&st, stdout);
	print_changes(changes, dry);
	if ((missing = zc_select_unsearched(idx, p)))
		fprintf(stderr, "zhengce reselect: the last crawl did not search for %s (search_keywords); only a crawl finds "
				"the documents those words would: run 'zhengce crawl --profile %s'\n", missing, ppath);
	if (diff && write_diff(diff, changes) != ZC_OK)
		goto out;
	ret = 0;
out:
	json_decref(changes);
	zc_index_close(&idx);
	zc_profile_free(&p);
	zc_index_unlock_crawl(&lockfd);
	free(ppath);
	free(err);
	free(missing);
	return ret;
}

/* ---- renumber -------------------------------------------------------------------------------- */

static const char RENUMBER_HELP[] =
	"usage: zhengce renumber --map FILE.csv [--corpus DIR] [--force]\n"
	"\n"
	"Gives every included document its file code afresh, per jurisdiction from 1, in the order\n"
	"new codes are given (written date, else published date; then published date, document\n"
	"number, URL), and its entries the codes that follow; documents out of the selection lose the\n"
	"codes they kept.  For a team that wants chronological codes before its coding starts: the\n"
	"old -> new map is written to FILE as CSV (old_code, new_code, url, title) before anything\n"
	"changes.  Refused once the coding table (\"codings\") holds a coding, unless --force.\n";

typedef struct map_ctx {
	const char *path;
	char *part;
	FILE *f;
} map_ctx;

/* the map, whole and on disk beside its name, before the transaction that applies it commits */
static int write_map(json_t *map, void *arg)
{
	map_ctx *m = arg;
	if (m->f)
		fclose(m->f);	/* a transaction run again (the map grew) writes it again */
	if (!(m->f = fopen(m->part, "wb")))
		return zc_write_error(errno);
	fputs("\xEF\xBB\xBF", m->f);
	static const char *const cols[] = {"old", "new", "url", "title"}, *const head[] = {"old_code", "new_code", "url", "title"};
	for (int c = 0; c < 4; c++)
		csv_cell(m->f, head[c], c == 3);
	size_t i;
	json_t *row;
	json_array_foreach(map, i, row)
		for (int c = 0; c < 4; c++)
			csv_cell(m->f, jstr(row, cols[c]), c == 3);
	if (fflush(m->f) != 0 || fsync(fileno(m->f)) != 0 || ferror(m->f))
		return zc_write_error(errno);
	return ZC_OK;
}

static int cmd_renumber(int argc, char **argv)
{
	static const struct option opts[] = {{"corpus", 1, 0, 'C'}, {"map", 1, 0, 'm'}, {"force", 0, 0, 'f'},
					     {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	const char *corpus = NULL;
	map_ctx m = {NULL, NULL, NULL};
	int force = 0, c, ret = 1, lockfd = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': corpus = optarg; break;
		case 'm': m.path = optarg; break;
		case 'f': force = 1; break;
		case 'h': fputs(RENUMBER_HELP, stdout); return 0;
		default: return option_error("renumber", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("renumber", "unexpected argument %s", argv[optind]);
	if (!m.path)
		return usage_error("renumber", "give the file for the old -> new map: --map FILE.csv");
	corpus = corpus_dir(corpus);
	zc_index *idx = NULL;
	long holder;
	zc_select_stats prev;
	uint64_t codings = 0;
	size_t documents = 0, changed = 0;
	/* only crawl makes a corpus: a mistyped --corpus is an error, not a new empty directory */
	if (open_corpus("renumber", corpus, &idx))
		goto out;
	zc_index_close(&idx);	/* read-only: opened again to write, under the lock */
	int rc = zc_index_lock_crawl(corpus, &lockfd, &holder);
	if (rc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce renumber: a crawl (pid %ld) is running on %s; try again when it ends\n", holder, corpus);
		ret = EXIT_LOCKED;
		goto out;
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce renumber: cannot take the lock in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	if ((rc = zc_index_open(corpus, 0, &idx)) != ZC_OK) {
		fprintf(stderr, "zhengce renumber: cannot open the corpus in %s: %s\n", corpus, zc_strerror(rc));
		goto out;
	}
	if (zc_select_published(idx, &prev) != ZC_OK) {
		fprintf(stderr, "zhengce renumber: nothing is selected in %s yet; run 'zhengce crawl' first\n", corpus);
		goto out;
	}
	if ((rc = zc_index_named_entries(idx, "codings", &codings)) != ZC_OK) {
		fprintf(stderr, "zhengce renumber: cannot read the coding table: %s\n", zc_strerror(rc));
		goto out;
	}
	if (codings && !force) {
		fprintf(stderr, "zhengce renumber: the coding table holds %llu coding%s made under the present codes; "
				"renumbering would leave them pointing at other documents: nothing changed (--force "
				"renumbers all the same)\n", (unsigned long long)codings, codings == 1 ? "" : "s");
		goto out;
	}
	m.part = part_name(m.path);
	rc = zc_select_renumber(idx, write_map, &m, &documents, &changed);
	if (m.f && fclose(m.f) != 0 && rc == ZC_OK)
		rc = zc_write_error(errno);	/* the commit happened: say so below */
	m.f = NULL;
	if (rc != ZC_OK) {
		unlink(m.part);
		fprintf(stderr, "zhengce renumber: %s; no code changed\n", zc_strerror(rc));
		goto out;
	}
	if (rename(m.part, m.path) != 0) {
		fprintf(stderr, "zhengce renumber: the codes changed, but the map could not be named %s (%s): it is in %s\n",
			m.path, strerror(errno), m.part);
		goto out;
	}
	printf("renumbered %zu documents: %zu codes changed or went; the old -> new map is in %s\n", documents, changed,
	       m.path);
	if (codings)
		printf("the %llu codings in the coding table still use the old codes: map them with %s\n",
		       (unsigned long long)codings, m.path);
	ret = 0;
out:
	if (m.f)
		fclose(m.f);
	free(m.part);
	zc_index_close(&idx);
	zc_index_unlock_crawl(&lockfd);
	return ret;
}

/* ---- parse ------------------------------------------------------------------------------------- */

static int cmd_parse(int argc, char **argv)
{
	const char *url = NULL, *ctype = NULL;
	const cli_opt opts[] = {{"url", &url}, {"content-type", &ctype}};
	int r = simple_options("parse", "usage: zhengce parse --url URL [--content-type CT] FILE\n\nParses one saved page (FILE, or - for standard input) as if fetched from URL with\n"
			       "the HTTP Content-Type CT, and prints the document as one JSON object.\n", argc, argv, opts, 2, 1);
	if (r >= 0)
		return r;
	if (optind != argc - 1)
		return usage_error("parse", "give one FILE");
	if (!url)
		url = "http://localhost/";
	const char *path = argv[optind];
	FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "zhengce parse: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	zc_buf b;
	zc_buf_init(&b, 64u << 20);
	int rc = zc_buf_read(&b, f);
	if (f != stdin)
		fclose(f);
	if (rc != ZC_OK) {
		if (rc == ZC_ETOOBIG)
			fprintf(stderr, "zhengce parse: %s is larger than 64 MB\n", path);
		else
			fprintf(stderr, "zhengce parse: cannot read %s: %s\n", path, zc_strerror(rc));
		zc_buf_free(&b);
		return 1;
	}
	zc_doc *d;
	rc = zc_parse_page(b.data ? b.data : "", b.len, url, ctype, &d);
	zc_buf_free(&b);
	char *js = zc_doc_to_json(d, 1);
	puts(js);
	free(js);
	zc_doc_free(&d);
	if (rc == ZC_ECHALLENGE)
		fprintf(stderr, "zhengce parse: %s is an anti-bot challenge page, not a document\n", path);
	else if (rc != ZC_OK)
		fprintf(stderr, "zhengce parse: %s: %s\n", path, zc_strerror(rc));
	return rc == ZC_OK ? 0 : 1;
}

/* ---- check ------------------------------------------------------------------------------------- */

typedef struct check_ctx {
	const char *corpus;
	long pages, problems, included, records;
	uint64_t total;		/* pages in the snapshot */
	zc_txn *t;
	zc_progress prog;
} check_ctx;

/* a problem or a note, on stdout: the progress line (stderr, the same terminal) goes first */
static void check_say(check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check_say(check_ctx *c, const char *fmt, ...)
{
	zc_progress_end(&c->prog);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static int check_record(json_t *h, const char *block, size_t len, void *arg)
{
	(void)h;
	(void)block;
	(void)len;
	check_ctx *c = arg;
	c->records++;
	zc_progress_show(&c->prog, "check: reading the WARC files: %ld records", c->records);
	return 0;
}

/* whether the record at a page's offset is the page's response (or revisit) record */
typedef struct at_page {
	const char *id, *url;
	int same;
} at_page;

static int page_record(json_t *h, const char *block, size_t len, void *arg)
{
	(void)block;
	(void)len;
	at_page *a = arg;
	const char *type = jstr(h, "WARC-Type");
	a->same = (!strcmp(type, "response") || !strcmp(type, "revisit")) && !strcmp(jstr(h, "WARC-Record-ID"), a->id) &&
		  !strcmp(jstr(h, "WARC-Target-URI"), a->url);
	return 0;
}

/* reads every WARC file of the corpus back with zhengce's own reader */
static void check_warc(check_ctx *c)
{
	char *dir = zc_asprintf("%s/warc", c->corpus);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!zc_str_ends(e->d_name, ".warc.gz"))
			continue;
		char *path = zc_asprintf("%s/%s", dir, e->d_name);
		long long cut;
		int rc = zc_warc_read(path, check_record, c, &cut);
		if (rc != ZC_OK) {
			check_say(c, "%s: not a readable WARC file (%s)\n", path, zc_strerror(rc));
			c->problems++;
		} else if (cut) {
			/* not a problem: no stored page points past the records before it */
			check_say(c, "%s: ends in part of a record (%lld bytes) from a crawl that was killed while "
			       "writing it (or is writing it now); the next crawl cuts it\n", path, cut);
		}
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}

static int check_page(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	check_ctx *c = arg;
	json_t *p = zc_page_parse(v, vl);
	c->pages++;
	zc_progress_show(&c->prog, "check: %ld of %llu pages", c->pages, (unsigned long long)c->total);
	if (!p || kl != 8) {
		check_say(c, "page record %ld does not read (neither JSON nor JSON and a UTF-8 body)\n", c->pages);
		c->problems++;
		json_decref(p);
		return 0;
	}
	uint64_t id;
	if (zc_tx_page_id(c->t, jstr(p, "url"), &id) != ZC_OK || id != zc_key_u64(k)) {
		check_say(c, "%s: the URL index does not point at its page\n", jstr(p, "url"));
		c->problems++;
	}
	/* the record is where the page says: read there, not looked up among all the archive's ids,
	   so that memory does not grow with the corpus */
	json_t *w = json_object_get(p, "warc");
	char *path = zc_asprintf("%s/warc/%s", c->corpus, jstr(w, "file"));
	long long off = json_integer_value(json_object_get(w, "offset"));
	at_page a = {jstr(w, "record_id"), jstr(p, "url"), 0};
	if (!w || !*jstr(w, "file") || zc_warc_read_at(path, off, page_record, &a) != ZC_OK || !a.same) {
		check_say(c, "%s: its WARC record %s is missing (not at offset %lld of %s)\n", jstr(p, "url"), a.id, off, path);
		c->problems++;
	}
	free(path);
	json_t *d = NULL;
	if (zc_tx_decision_get(c->t, zc_key_u64(k), &d) == ZC_OK && !strcmp(jstr(d, "decision"), "included")) {
		c->included++;
		/* an included document's file code points back at it */
		char *code = zc_asprintf("%s-%lld", jstr(p, "jurisdiction"), (long long)json_integer_value(json_object_get(d, "file_code")));
		char *fv = NULL;
		size_t n;
		if (zc_tx_get(c->t, ZC_T_FILECODE, code, strlen(code), &fv, &n) != ZC_OK || n != 8 || zc_key_u64(fv) != zc_key_u64(k)) {
			check_say(c, "%s: file code %s does not point at it\n", jstr(p, "url"), code);
			c->problems++;
		}
		free(fv);
		free(code);
	}
	json_decref(d);
	json_decref(p);
	return 0;
}

static int check_txn(zc_txn *t, void *arg)
{
	check_ctx *c = arg;
	c->t = t;
	/* the archive is read inside the snapshot: a crawl running beside the check flushes a
	   page's WARC record before it commits the page, so every page this snapshot holds has its
	   record in the files by now (read before the snapshot, a page committed in between would
	   seem to have none) */
	check_warc(c);
	zc_progress_end(&c->prog);	/* the pages' line comes at once */
	zc_tx_count(t, ZC_T_PAGES, &c->total);
	int rc = zc_tx_scan(t, ZC_T_PAGES, NULL, 0, check_page, c);
	zc_progress_end(&c->prog);
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	const char *corpus = NULL;
	const cli_opt opts[] = {{"corpus", &corpus}};
	int r = simple_options("check", "usage: zhengce check [--corpus DIR]\n\nVerifies the corpus: every page record readable, the URL index agrees with the pages,\n"
			       "every page's WARC record is where the page says (file and offset), every included\n"
			       "document's file code points at it, every WARC file reads back.\n"
			       "A WARC file whose crawl was killed while writing a record ends in part of it: the records\n"
			       "before it are read, it is reported, and the next crawl cuts it.\n"
			       "Exit 0 when all is well.\n", argc, argv, opts, 1, 0);
	if (r >= 0)
		return r;
	corpus = corpus_dir(corpus);
	zc_index *idx;
	if (open_corpus("check", corpus, &idx))
		return 1;
	check_ctx cc = {.corpus = corpus, .prog = {.on = progress_wanted(0)}};
	int rc = zc_index_read(idx, check_txn, &cc);
	zc_index_close(&idx);
	printf("%ld pages, %ld included, %ld WARC records read back; %ld problem%s\n", cc.pages, cc.included, cc.records,
	       cc.problems, cc.problems == 1 ? "" : "s");
	return rc == ZC_OK && cc.problems == 0 ? 0 : 1;
}

/* ---- report -------------------------------------------------------------------------------------- */

static int cmd_report(int argc, char **argv)
{
	const char *corpus = NULL, *out = NULL;
	const cli_opt opts[] = {{"corpus", &corpus}, {"output", &out}};
	int r = simple_options("report", "usage: zhengce report [--corpus DIR] -o FILE.html\n\nOne self-contained HTML file (no network, no script): national documents by year\n"
			       "(Figure 1), documents by province (Figure 2), provincial documents by year and region\n"
			       "(Figure 3) as SVG charts with their tables, the profile, the crawl date and the\n"
			       "exclusions by reason.\n", argc, argv, opts, 2, 0);
	if (r >= 0)
		return r;
	if (!out)
		return usage_error("report", "give the output file: -o report.html (-o - for standard output)");
	zc_index *idx;
	if (open_corpus("report", corpus_dir(corpus), &idx))
		return 1;
	count_ctx c = {zc_stats_new(), NULL, NULL};
	int rc = zc_index_read(idx, count_txn, &c);
	json_t *about = zc_select_profile_record(idx);
	if (!about)	/* a selection made before zhengce recorded its profile: the name alone */
		about = json_pack("{s:s}", "name", c.profile ? c.profile : "");
	zc_index_close(&idx);
	int to_stdout = !strcmp(out, "-");
	char *part = to_stdout ? NULL : part_name(out);
	FILE *f;
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce report: %s\n", zc_strerror(rc));
	} else if (to_stdout) {
		rc = zc_report_write(stdout, c.s, about, c.crawled);
		if (rc != ZC_OK)
			fprintf(stderr, "zhengce report: cannot write the output: %s\n", zc_strerror(rc));
	} else if (!(f = fopen(part, "w"))) {
		fprintf(stderr, "zhengce report: cannot write %s: %s\n", out, strerror(errno));
		rc = ZC_EIO;
	} else {
		rc = part_finish("report", f, part, out, zc_report_write(f, c.s, about, c.crawled));
	}
	free(part);
	free(c.profile);
	free(c.crawled);
	json_decref(about);
	zc_stats_free(&c.s);
	if (rc != ZC_OK)
		return 1;
	if (!to_stdout)
		printf("wrote %s\n", out);
	return 0;
}

/* ---- main -------------------------------------------------------------------------------------- */

/* GnuTLS comes loaded with libcurl (through librtmp and libldap, for protocols zhengce turns off;
   libcurl's TLS is OpenSSL's) and initializes itself as it is loaded, 0.7 MB and some start-up
   time for a library zhengce never calls, unless the program defines this function: what
   gnutls.h's GNUTLS_SKIP_GLOBAL_INIT expands to (the GnuTLS manual, "Initialization"), written out
   so that building needs no GnuTLS header.  Were anything to call GnuTLS, gnutls_global_init()
   would still initialize it. */
int _gnutls_global_init_skip(void);
int _gnutls_global_init_skip(void)
{
	return 1;
}

static const char *const COMMANDS[] = {"crawl", "stats", "query", "export", "entries", "why", "reselect",
					"renumber", "parse", "report", "check", "seeds"};

static int run_command(const char *cmd, int argc, char **argv)
{
	if (!strcmp(cmd, "crawl"))
		return cmd_crawl(argc, argv);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	if (!strcmp(cmd, "export") || !strcmp(cmd, "query") || !strcmp(cmd, "entries"))
		return cmd_export_like(cmd, argc, argv);
	if (!strcmp(cmd, "why"))
		return cmd_why(argc, argv);
	if (!strcmp(cmd, "reselect"))
		return cmd_reselect(argc, argv);
	if (!strcmp(cmd, "renumber"))
		return cmd_renumber(argc, argv);
	if (!strcmp(cmd, "parse"))
		return cmd_parse(argc, argv);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc, argv);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc, argv);
	return cmd_seeds(argc, argv);
}

static int is_command(const char *s)
{
	for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
		if (!strcmp(s, COMMANDS[i]))
			return 1;
	return 0;
}

static int not_a_command(const char *s)
{
	const char *near = nearest_name(s, COMMANDS, sizeof COMMANDS / sizeof *COMMANDS);
	if (near)
		fprintf(stderr, "zhengce: '%s' is not a command; did you mean '%s'?\n", s, near);
	else
		fprintf(stderr, "zhengce: '%s' is not a command; see 'zhengce --help'\n", s);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	/* the common options may come before the command, as git and curl take them: --corpus DIR
	   goes to the command (its own --corpus, after it, wins), --progress and --quiet hold for all */
	const char *corpus = NULL;
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--corpus")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "zhengce: --corpus wants a value\n");
				return EXIT_USAGE;
			}
			corpus = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--corpus=", 9)) {
			corpus = argv[i++] + 9;
		} else if (!strcmp(argv[i], "--progress") || !strcmp(argv[i], "--quiet")) {
			progress_opt = !strcmp(argv[i++], "--progress");
		} else {
			break;
		}
	}
	if (i >= argc) {
		fputs(MAIN_HELP, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[i];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		if (i + 1 >= argc || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
			fputs(MAIN_HELP, stdout);
			return 0;
		}
		/* zhengce help COMMAND: the command's own help, as git's */
		if (i + 2 < argc) {
			fprintf(stderr, "zhengce help: unexpected argument %s\n", argv[i + 2]);
			return EXIT_USAGE;
		}
		if (!is_command(argv[i + 1]))
			return not_a_command(argv[i + 1]);
		char *hv[] = {argv[i + 1], "--help", NULL};
		return run_command(argv[i + 1], 2, hv);
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("zhengce %s (%s, libxml2 %s)\n", ZC_VERSION, curl_version(), LIBXML_DOTTED_VERSION);
		return 0;
	}
	if (cmd[0] == '-') {
		fprintf(stderr, "zhengce: unknown option %s before the command; see 'zhengce --help'\n", cmd);
		return EXIT_USAGE;
	}
	if (!is_command(cmd))
		return not_a_command(cmd);
	/* the command's arguments: [command, (seeds' subcommand), --corpus DIR, the rest] */
	int skip = !strcmp(cmd, "seeds") && i + 1 < argc && argv[i + 1][0] != '-' ? 2 : 1;
	char **av = zc_calloc((size_t)(argc - i + 3), sizeof *av);
	int ac = 0;
	for (int k = 0; k < skip; k++)
		av[ac++] = argv[i + k];
	if (corpus) {
		av[ac++] = "--corpus";
		av[ac++] = (char *)corpus;
	}
	for (int k = i + skip; k < argc; k++)
		av[ac++] = argv[k];
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	int ret = run_command(cmd, ac, av);
	/* what went to stdout is the result (a table, a CSV): a full disk or a closed pipe there is a
	   failure, never exit 0 with the output cut short */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;
		fprintf(stderr, "zhengce %s: cannot write the output: %s\n", cmd, e ? zc_strerror(zc_write_error(e)) : "write error");
		if (ret == 0)
			ret = 1;
	}
	xmlCleanupParser();
	curl_global_cleanup();
	free(av);
	return ret;
}
