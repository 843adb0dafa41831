/*
 * cli.c - what every command of cli/ shares: where the corpus and the data files are, option
 * and usage errors, opening the corpus, progress, output files written beside their name.
 */
#include "cli.h"
#include "analysis.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>


/* where the corpus directory came from, for the message when there is none */
static const char *corpus_from = "--corpus";

const char *corpus_dir(const char *opt)
{
	if (opt)
		return opt;
	const char *env = getenv("ZHENGCE_CORPUS");
	corpus_from = env && *env ? "$ZHENGCE_CORPUS" : NULL;
	return env && *env ? env : "corpus";
}

/*
 * The data files (seeds, profiles, codebooks) beside the binary, wherever it is: installed,
 * PREFIX/bin/zhengce reads PREFIX/share/zhengce/; built, BUILD/zhengce reads BUILD/share/zhengce/
 * (links to the source tree's folders, made by CMake).  No path is compiled in.
 */
char *data_file(const char *opt, const char *env, const char *rel)
{
	if (opt)
		return zc_strdup(opt);
	const char *e = getenv(env);
	if (e && *e)
		return zc_strdup(e);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0 || (size_t)n >= sizeof exe - 1)
		return zc_asprintf("share/zhengce/%s", rel);	/* unknown: relative to here */
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	*slash = '\0';
	static const char *const under[] = {"%s/../share/zhengce/%s", "%s/share/zhengce/%s"};
	for (size_t i = 0; i < sizeof under / sizeof *under; i++) {
		char *path = zc_asprintf(under[i], exe, rel);
		if (access(path, F_OK) == 0)
			return path;
		free(path);
	}
	return zc_asprintf(under[0], exe, rel);	/* named as missing there */
}

/* --mirror ADDR:HTTP:HTTPS as two --connect-to mappings (":80:ADDR:HTTP", ":443:ADDR:HTTPS")
   appended to *ct; ZC_EUSAGE when the value is not of that form */
int connect_option(const char *cmd, int c, const char *arg, char ***ct, size_t *nct)
{
	if (c == 'M')
		return mirror_map(arg, ct, nct) == ZC_OK
			       ? -1
			       : usage_error(cmd, "--mirror wants ADDR:HTTP_PORT:HTTPS_PORT, e.g. 127.0.0.1:8080:8443");
	*ct = zc_realloc(*ct, (*nct + 1) * sizeof **ct);
	(*ct)[(*nct)++] = zc_strdup(arg);
	return -1;
}

int mirror_map(const char *arg, char ***ct, size_t *nct)
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

int usage_error(const char *cmd, const char *fmt, ...)
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
const char *nearest_name(const char *s, const char *const *names, size_t n)
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
int option_error(const char *cmd, int c, char **argv, const struct option *opts)
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

/*
 * A list value, in place: items separated by , or ，, each trimmed (a cell pasted from Excel
 * brings its spaces), empty ones dropped, joined by ",".  Returns v ("" when no item is left).
 */
char *list_clean(char *v)
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
int sites_resolve(const char *cmd, const char *only, const zc_seeds *seeds, const char *seeds_path, char **out)
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
		zc_buf_catf(&b, "%s%s", b.len ? "," : "", as);
	}
	if (ret < 0 && !b.len)
		ret = usage_error(cmd, "--site wants a value");
	if (ret < 0)
		*out = zc_strdup(b.data);
	zc_buf_free(&b);
	free(list);
	return ret;
}

int writer_open(writer *w, const char *cmd, const char *what, const char *corpus, int with_seeds, const char *seeds_opt,
		const char *profile_opt, const char *site)
{
	memset(w, 0, sizeof *w);
	w->corpus = corpus;
	w->lockfd = -1;
	long holder = 0;
	char *err = NULL;
	int ret = 1, rc = zc_index_lock_crawl(corpus, &w->lockfd, &holder);
	if (rc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce %s: another crawl, import or merge (pid %ld) is running on %s; exiting\n", cmd, holder,
			corpus);
		return EXIT_LOCKED;
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce %s: cannot create the lock in %s: %s\n", cmd, corpus, zc_strerror(rc));
		return 1;
	}
	if (with_seeds) {
		w->seeds_path = data_file(seeds_opt, "ZHENGCE_SEEDS", "seeds/sites.json");
		if (zc_seeds_load(w->seeds_path, &w->seeds, &err) != ZC_OK) {
			fprintf(stderr, "zhengce %s: bad seed file: %s\n", cmd, err);
			goto out;
		}
		if (site && (ret = sites_resolve(cmd, site, &w->seeds, w->seeds_path, &w->only)) >= 0)
			goto out;
		ret = 1;
	}
	w->profile_path = data_file(profile_opt, "ZHENGCE_PROFILE", "profiles/reference.json");
	if (zc_profile_load(w->profile_path, &w->profile, &err) != ZC_OK) {
		fprintf(stderr, "zhengce %s: profile refused, nothing %s: %s\n", cmd, what, err);
		ret = EXIT_USAGE;
		goto out;
	}
	if ((rc = zc_index_open(corpus, 0, &w->idx)) != ZC_OK) {
		fprintf(stderr, "zhengce %s: cannot open the corpus in %s: %s\n", cmd, corpus, zc_strerror(rc));
		goto out;
	}
	ret = -1;
out:
	free(err);
	return ret;
}

void writer_close(writer *w)
{
	zc_index_close(&w->idx);
	zc_profile_free(&w->profile);
	zc_seeds_free(&w->seeds);
	zc_index_unlock_crawl(&w->lockfd);
	free(w->only);
	free(w->seeds_path);
	free(w->profile_path);
	w->only = w->seeds_path = w->profile_path = NULL;
}

/*
 * Progress lines (zc_progress) for long work: --progress and --quiet say; by default on when
 * stderr is a terminal, unless the command's output goes to that terminal too.
 */
int progress_opt = -1;

int progress_wanted(int to_stdout)
{
	if (progress_opt >= 0)
		return progress_opt;
	return isatty(2) && !(to_stdout && isatty(1));
}

static void progress_draw(const char *line, void *arg)
{
	(void)arg;
	fputs("\r\033[K", stderr);
	if (line)
		fputs(line, stderr);
	fflush(stderr);
}

zc_progress cli_progress(int on)
{
	return (zc_progress){.on = on, .draw = progress_draw};
}

void print_selection(const zc_select_stats *st, FILE *out)
{
	fprintf(out, "selected: %zu included (%zu national, %zu provincial), %zu entries; excluded:", st->included,
		st->national, st->provincial, st->entries);
	int any = 0;
	for (int i = 0; i < ZC_NREASONS; i++)
		if (st->by_reason[i]) {
			fprintf(out, "%s %s %zu", any ? "," : "", ZC_REASONS[i], st->by_reason[i]);
			any = 1;
		}
	fprintf(out, "%s%s\n", any ? "" : " none",
		st->reused ? "; the last selection stands (no page and no profile changed since)" : "");
}

int open_corpus(const char *cmd, const char *corpus, zc_index **idx)
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
 * An output file (-o) is written beside its name, as NAME.part-PID, and renamed over it once it
 * is whole and on disk: an export that fails (a full disk) or is killed never leaves a file cut
 * short under the name, nor destroys the one an earlier run wrote there.
 */
char *part_name(const char *out)
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
int part_finish(const char *cmd, FILE *f, const char *part, const char *out, int rc)
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

int simple_options(const char *cmd, const char *help, int argc, char **argv, const cli_opt *o, size_t n,
			  int npos)
{
	struct option *lo = zc_calloc(n + 4, sizeof *lo);
	for (size_t i = 0; i < n; i++)
		lo[i] = (struct option){o[i].name, o[i].flag ? 0 : 1, 0, (int)(i + 1)};
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
			size_t i = 0;
			while (i < n && strcmp(o[i].name, "output"))
				i++;
			if (i < n)
				*o[i].target = optarg;
			else
				ret = usage_error(cmd, "unknown option -o; see 'zhengce %s --help'", cmd);
		} else if (c == 'P' || c == 'Q') {
			progress_opt = c == 'P';
		} else if (c >= 1 && (size_t)c <= n && o[c - 1].flag) {
			*o[c - 1].flag = 1;
		} else if (c >= 1 && (size_t)c <= n) {
			*o[c - 1].target = optarg;
		} else {
			ret = option_error(cmd, c, argv, lo);
		}
	}
	free(lo);
	if (ret < 0 && npos >= 0 && optind + npos < argc)
		ret = usage_error(cmd, "unexpected argument %s", argv[optind + npos]);
	return ret;
}

int number_option(const char *cmd, const char *name, const char *v, double min, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (end == v || *end || errno || !isfinite(d) || d > 1e15)
		return usage_error(cmd, "--%s wants a number, got %s", name, v);
	if (d < min)
		return usage_error(cmd, "--%s wants a number >= %g, got %s", name, min, v);
	*out = d;
	return -1;
}

int format_option(const char *cmd, const char *v, const char *allowed, enum zc_format *fmt)
{
	if (!v)
		return -1;
	char said[128] = "";
	size_t n = 0, len = strlen(v);
	for (const char *a = allowed, *bar; *a; a = *bar ? bar + 1 : bar) {
		bar = a + strcspn(a, "|");
		size_t k = (size_t)(bar - a);
		if (k == len && !strncasecmp(a, v, k) && zc_format_parse(v, fmt) == ZC_OK)
			return -1;
		snprintf(said + n, sizeof said - n, "%s%.*s", !n ? "" : *bar ? ", " : " or ", (int)k, a);
		n = strlen(said);
	}
	return usage_error(cmd, "--format is %s, not %s", said, v);
}

int group_options(const char *cmd, const char *by_v, const char *top_v, const char *what, unsigned *by, long *top)
{
	*by = 0;
	*top = 0;
	if (by_v && (zc_analysis_by_parse(by_v, by) != ZC_OK || (*by & ZC_BY_CODE)))
		return usage_error(cmd, "--by is a list of province, region and year, not %s", by_v);
	if (top_v && zc_parse_long(top_v, 1, 1000000, top) != ZC_OK)
		return usage_error(cmd, "--top wants a number of %s (1 or more), not %s", what, top_v);
	return -1;
}

int write_output(const char *cmd, const char *out, int (*write)(FILE *f, void *arg), void *arg)
{
	if (!out || !strcmp(out, "-"))
		return write(stdout, arg) == ZC_OK ? 0 : 1;
	char *part = part_name(out);
	FILE *f = fopen(part, "w");
	int rc = 1;
	if (!f)
		fprintf(stderr, "zhengce %s: cannot write %s: %s\n", cmd, out, strerror(errno));
	else if (part_finish(cmd, f, part, out, write(f, arg)) == ZC_OK)
		rc = 0;
	free(part);
	if (!rc)
		printf("wrote %s\n", out);
	return rc;
}

/* a CSV cell as exports write it (RFC 4180, formula-like cells neutralised: docs/CSV.md) */
void csv_cell(FILE *f, const char *s, int last)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	zc_csv_cell(&b, s);
	if (b.len)
		fwrite(b.data, 1, b.len, f);
	zc_buf_free(&b);
	fputs(last ? "\r\n" : ",", f);
}
