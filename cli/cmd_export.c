/*
 * cmd_export.c - query, export and entries: the corpus through the filters, as a table, CSV, JSONL or XLSX
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

/* adds a jurisdiction code to the list buf (of 3 * 40 bytes), once */
static void juris_add(char *buf, size_t size, const char *code)
{
	for (const char *p = buf; *p; p += p[2] ? 3 : 2)
		if (!strncmp(p, code, 2))
			return;
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s%s", n ? "," : "", code);
}

typedef struct exp_ctx {
	zc_exporter *e;
	zc_query f;
	long n;
	int rc;			/* why a row could not be written (a full disk) */
	zc_progress prog;
} exp_ctx;

static int export_one(const zc_page *page, void *arg)
{
	exp_ctx *x = arg;
	x->n++;
	x->rc = zc_export_doc(x->e, page);
	zc_progress_show(&x->prog, "export: %ld documents written", x->n);
	return x->rc != ZC_OK;
}

/* query's table: code, date, province, type, title (and the reason, for excluded pages) */
typedef struct tbl_ctx {
	zc_query f;
	FILE *out;
	long n;
} tbl_ctx;

/* s, then spaces up to w columns of a terminal (a Chinese character takes two) */
static void table_cell(FILE *out, const char *s, int w)
{
	int used = zc_text_width(s);
	fputs(s, out);
	for (; used < w; used++)
		fputc(' ', out);
	fputc(' ', out);
}

static void table_row(const tbl_ctx *t, const char *code, const char *date, const char *prov, const char *type,
		      const char *title, const char *reason)
{
	table_cell(t->out, code, 7);
	table_cell(t->out, date, 10);
	table_cell(t->out, prov, 8);
	table_cell(t->out, type, 6);
	fputs(title, t->out);
	if (t->f.which != ZC_Q_INCLUDED)
		fprintf(t->out, "  [%s]", reason);
	fputc('\n', t->out);
}

static int table_one(const zc_page *page, void *arg)
{
	tbl_ctx *t = arg;
	char code[32];
	zc_page_code(page, code, sizeof code);
	const char *prov = zc_province_name(zc_page_jurisdiction(page));
	/* a title from the web reaches the terminal: no control or bidi character of it does */
	char *title = zc_text_visible(page->doc.title, 0), *type = zc_text_visible(page->doc.type, 0);
	table_row(t, code, zc_page_date(page), prov ? prov : "", type, title, *page->dec.reason ? page->dec.reason : "included");
	free(title);
	free(type);
	t->n++;
	return 0;
}

/* The table: a header line when it goes to a terminal (into a pipe or a file, rows only, so
   that | wc -l and | sort see documents); the count on stderr, a note, not a row. */
static int table_write(zc_index *idx, FILE *f, const zc_query *flt)
{
	tbl_ctx t = {*flt, f, 0};
	if (isatty(fileno(f)))
		table_row(&t, "code", "date", "province", "type", "title", "decision");
	int rc = zc_index_query(idx, flt, table_one, &t);
	fprintf(stderr, "%ld document%s\n", t.n, t.n == 1 ? "" : "s");
	return rc;
}

/* entries: each document's, in the order of their codes */
typedef struct ent_ctx {
	zc_exporter *e;
	int rc;
	long n;
	zc_progress prog;
} ent_ctx;

static int entry_one(const zc_entry *entry, const zc_page *page, void *arg)
{
	ent_ctx *x = arg;
	x->rc = zc_export_entry(x->e, entry, page);
	zc_progress_show(&x->prog, "entries: %ld written", ++x->n);
	return x->rc != ZC_OK;
}

/* what an XLSX export had to cut (never silently) */
static void cut_warning(const char *cmd, const zc_exporter *e)
{
	long cut = zc_export_cut(e);
	if (cut)
		fprintf(stderr, "zhengce %s: warning: %ld cell%s longer than Excel's 32,767 characters cut there and "
				"marked \"…[cut here: …]\"; the CSV and JSONL exports hold the whole text\n",
			cmd, cut, cut == 1 ? "" : "s");
}

static int entries_write(zc_index *idx, FILE *f, const char *out, enum zc_format fmt, int bom, const zc_query *flt,
			 int progress, const zc_profile_record *about)
{
	ent_ctx x = {NULL, ZC_OK, 0, cli_progress(progress)};
	int rc = zc_export_begin(f, out, fmt == ZC_FMT_TABLE ? ZC_FMT_CSV : fmt, "entries", 0, bom, about, &x.e);
	if (rc != ZC_OK)
		return rc;
	rc = zc_index_entries(idx, flt, entry_one, &x);
	if (rc != ZC_OK && x.rc != ZC_OK)
		rc = x.rc;
	cut_warning("entries", x.e);
	zc_progress_end(&x.prog);
	int erc = zc_export_end(&x.e);
	return rc != ZC_OK ? rc : erc;
}

/* the documents x.f matches, through the exporter x.e, which it ends */
static int export_run(zc_index *idx, exp_ctx *x, const char *cmd)
{
	int rc = zc_index_query(idx, &x->f, export_one, x);
	zc_progress_end(&x->prog);
	if (rc != ZC_OK && x->rc != ZC_OK)
		rc = x->rc;
	cut_warning(cmd, x->e);
	int erc = zc_export_end(&x->e);
	return rc != ZC_OK ? rc : erc;
}

/* removes the files an unfinished --text wrote into dir, and dir */
static void text_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!zc_str_ends(e->d_name, ".txt"))
			continue;
		char *p = zc_asprintf("%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/*
 * export --text DIR: one file a document, written into DIR.part-PID and renamed DIR once every
 * file is whole, so that DIR is never half a corpus.  DIR must be new or empty: the files of
 * an earlier export there are never mixed with these, nor removed.
 */
static int text_export(const char *corpus, const char *dir, exp_ctx *x, int bom)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int has = 0;
	while (d && (e = readdir(d)))
		has |= strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	if (!d && errno != ENOENT)
		return usage_error("export", "--text %s: %s", dir, strerror(errno));
	if (has)
		return usage_error("export", "--text %s: the directory is not empty; give a new one (nothing is overwritten)", dir);
	zc_index *idx;
	if (open_corpus("export", corpus, &idx))
		return 1;
	char *part = zc_asprintf("%s.part-%ld", dir, (long)getpid());
	int rc = mkdir(part, 0777) == 0 ? ZC_OK : zc_write_error(errno);
	zc_profile_record about;
	int has_about = zc_select_profile_record(idx, &about) == ZC_OK;
	if (rc == ZC_OK)
		rc = zc_export_begin(NULL, part, ZC_FMT_TEXT, "documents", ZC_EXPORT_BODY, bom, has_about ? &about : NULL,
				     &x->e);
	if (rc == ZC_OK) {
		x->prog = cli_progress(progress_wanted(0));
		rc = export_run(idx, x, "export");
	}
	if (rc == ZC_OK && d)
		rmdir(dir);	/* the empty one in the way of the rename */
	if (rc == ZC_OK && rename(part, dir) != 0)
		rc = zc_write_error(errno);
	if (rc != ZC_OK) {
		text_remove(part);
		fprintf(stderr, "zhengce export: cannot write %s: %s\n", dir, zc_strerror(rc));
	} else {
		fprintf(stderr, "%ld documents written to %s/\n", x->n, dir);
	}
	zc_profile_record_clear(&about);
	free(part);
	zc_index_close(&idx);
	return rc != ZC_OK;
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

static const char ENTRIES_HELP[] =
	"usage: zhengce entries [--corpus DIR] [--format csv|jsonl|xlsx] [-o FILE] [--no-bom]\n"
	"                       [--province P] [--region R] [--year Y] [--issuer S] [--type T] [--keyword K]\n"
	"\nOne row per entry: code (00-29-6-2 = national, file 29, section 六, item （二）), the\n"
	"document's code, jurisdiction, province, year, title, section, item and the entry's text.\n"
	"The filters, as for query, keep the entries of the documents they match.\n";
static const char QUERY_HELP[] =
	"usage: zhengce query [--corpus DIR] [--province 浙江|浙江省|Zhejiang|33] [--region R] [--year Y]\n"
	"                     [--issuer S] [--type T] [--keyword K] [--excluded|--all]\n"
	"                     [--format table|csv|jsonl] [-o FILE]\n"
	"\nDocuments that match every filter given.  --province, --type, --keyword and --issuer take\n"
	"lists (浙江,江苏: either); --region is east, centre, west or north-east (the reference\n"
	"study's regions; with --province, either); --year is Y, Y1-Y2, Y1- (from) or -Y2 (up to);\n"
	"--type is one of the parser's types (通知 意见 方案 … 解读 转发 新闻 other).\n";
static const char EXPORT_HELP[] =
	"usage: zhengce export [--corpus DIR] [--format csv|jsonl|xlsx] [--excluded|--all] [-o FILE] [--no-bom]\n"
	"                      [--body] [--province P] [--region R] [--year Y] [--issuer S] [--type T]\n"
	"                      [--keyword K]\n"
	"       zhengce export --text DIR [FILTERS]\n"
	"\nThe corpus, one row per document in the order of the codes (docs/CSV.md lists the columns).\n"
	"CSV is UTF-8 with a BOM so Excel shows Chinese correctly; --no-bom for tools that dislike it.\n"
	"XLSX has date cells, widths, the header frozen and filters.  --excluded gives the excluded\n"
	"documents instead, --all every page, with their decision, reason and evidence; the filters,\n"
	"as for query, narrow it.  --body adds the document's text.  Without --format, -o's extension\n"
	"(.csv, .jsonl, .xlsx) gives the format; -o - is standard output (XLSX wants a file).\n"
	"--text DIR writes one UTF-8 file a document into DIR (new or empty), named by its code\n"
	"(33-12.txt): its fields, a blank line, its text.\n";

static const struct option EXPORT_OPTS[] = {
	{"corpus", 1, 0, 'C'}, {"format", 1, 0, 'f'}, {"excluded", 0, 0, 'x'}, {"all", 0, 0, 'a'},
	{"output", 1, 0, 'o'}, {"no-bom", 0, 0, 'n'}, {"province", 1, 0, 'p'}, {"year", 1, 0, 'y'},
	{"issuer", 1, 0, 'i'}, {"type", 1, 0, 't'}, {"keyword", 1, 0, 'k'}, {"region", 1, 0, 'r'}, {"progress", 0, 0, 'P'},
	{"quiet", 0, 0, 'Q'}, {"body", 0, 0, 'B'}, {"text", 1, 0, 'T'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};

/* what query, export and entries were asked */
typedef struct exp_args {
	const char *cmd;
	int is_query, is_entries;
	const char *corpus, *out, *text;
	enum zc_format fmt;
	int bom, fmt_given, body;
	exp_ctx x;
	char juris[3 * 40];	/* --province and --region: the jurisdictions' codes */
} exp_args;

/* --province: each name or code added to the jurisdictions; -1, or the usage error */
static int province_option(exp_args *a, char *v)
{
	if (!*list_clean(v))
		return usage_error(a->cmd, "--province wants a value");
	for (char *it = v, *next; *it; it = next) {
		next = it + strcspn(it, ",");
		if (*next)
			*next++ = '\0';
		const char *code = zc_province_code(it);
		if (!code)
			return usage_error(a->cmd, "unknown province %s (use 浙江, 浙江省, Zhejiang or 33; several: 浙江,江苏)", it);
		juris_add(a->juris, sizeof a->juris, code);
	}
	return -1;
}

/* --region: its provinces added to the jurisdictions; -1, or the usage error */
static int region_option(exp_args *a, char *v)
{
	zc_str_trim(v);
	int r = zc_region_parse(v);
	if (r < 0)
		return usage_error(a->cmd, "unknown region %s: the regions are east, centre, west and north-east", v);
	for (int i = 1; ZC_JURISDICTIONS[i]; i++)
		if (zc_province_region(ZC_JURISDICTIONS[i]) == r)
			juris_add(a->juris, sizeof a->juris, ZC_JURISDICTIONS[i]);
	return -1;
}

/* --type: each one a type of the parser's; -1, or the usage error naming them all */
static int type_option(exp_args *a, char *v)
{
	const char *types[64];
	size_t nt = zc_doc_types(types, 64);
	a->x.f.type = list_clean(v);
	for (const char *it = a->x.f.type; *it;) {
		size_t n = strcspn(it, ","), k = 0;
		while (k < nt && (strlen(types[k]) != n || strncmp(types[k], it, n)))
			k++;
		if (k == nt) {
			zc_buf b;
			zc_buf_init(&b, ZC_BUF_UNLIMITED);
			for (k = 0; k < nt; k++)
				zc_buf_catf(&b, "%s%s", k ? " " : "", types[k]);
			usage_error(a->cmd, "unknown type %.*s: the types are %s (several: --type 意见,通知)", (int)n, it, b.data);
			zc_buf_free(&b);
			return EXIT_USAGE;
		}
		it += n + (it[n] == ',');
	}
	return -1;
}

/* one option: -1 when taken, else the exit code (0 after --help) */
static int export_option(exp_args *a, int c, char **argv)
{
	zc_query *f = &a->x.f;
	switch (c) {
	case 'C': a->corpus = optarg; break;
	case 'f':
		if (zc_format_parse(optarg, &a->fmt) != ZC_OK || a->fmt == ZC_FMT_JSON || (a->fmt == ZC_FMT_TABLE && !a->is_query))
			return usage_error(a->cmd, "--format is %s, not %s", a->is_query ? "table, csv or jsonl" : "csv, jsonl or xlsx",
					   optarg);
		a->fmt_given = 1;
		break;
	case 'x': f->which = ZC_Q_EXCLUDED; break;
	case 'a': f->which = ZC_Q_ALL; break;
	case 'o': a->out = optarg; break;
	case 'n': a->bom = 0; break;
	case 'p': return province_option(a, optarg);
	case 'r': return region_option(a, optarg);
	case 'y': return parse_years(a->cmd, optarg, &f->y1, &f->y2) ? -1 : EXIT_USAGE;
	case 'i': f->issuer = list_clean(optarg); break;
	case 't': return type_option(a, optarg);
	case 'k': f->keyword = list_clean(optarg); break;
	case 'B': a->body = 1; break;
	case 'T': a->text = optarg; break;
	case 'P': progress_opt = 1; break;
	case 'Q': progress_opt = 0; break;
	case 'h':
		fputs(a->is_entries ? ENTRIES_HELP : a->is_query ? QUERY_HELP : EXPORT_HELP, stdout);
		return 0;
	default: return option_error(a->cmd, c, argv, EXPORT_OPTS);
	}
	return -1;
}

/* the options taken together: -1 when they agree, else the usage error naming the clash */
static int export_checks(exp_args *a)
{
	const char *cmd = a->cmd;
	zc_query *f = &a->x.f;
	if ((a->body || a->text) && strcmp(cmd, "export"))
		return usage_error(cmd, "--%s is export's (the documents' text); %s has none", a->body ? "body" : "text", cmd);
	if (a->text && (a->out || a->fmt_given))
		return usage_error(cmd, "--text DIR writes one .txt a document into DIR; not with %s", a->out ? "-o" : "--format");
	if (a->text && f->which != ZC_Q_INCLUDED)
		return usage_error(cmd, "--text names each file by the document's code: the included documents only, "
					"not with --excluded or --all");
	if (a->text && !*a->text)
		return usage_error(cmd, "--text wants a directory");
	if (*a->juris)
		f->jurisdiction = a->juris;
	if ((f->issuer && !*f->issuer) || (f->type && !*f->type) || (f->keyword && !*f->keyword))
		return usage_error(cmd, "--%s wants a value", f->keyword && !*f->keyword ? "keyword" : f->type && !*f->type ? "type" : "issuer");
	/* -o - is standard output (curl's, wget's); without --format the file's extension says */
	if (a->out && !strcmp(a->out, "-"))
		a->out = NULL;
	else if (a->out && !a->fmt_given && format_of_name(a->out, &a->fmt) != ZC_OK)
		return usage_error(cmd, "cannot tell the format from the name %s: end it in .csv, .jsonl%s or give --format",
				   a->out, a->is_query ? "" : ", .xlsx");
	enum zc_format named;
	if (a->out && a->fmt_given && format_of_name(a->out, &named) == ZC_OK && named != a->fmt) {
		static const char *const NAMES[] = {"CSV", "JSONL", "XLSX", "a table"};
		return usage_error(cmd, "--format says %s but the name %s says %s: leave --format out (the name decides) "
					"or change the name", a->fmt <= ZC_FMT_TABLE ? NAMES[a->fmt] : "?", a->out, NAMES[named]);
	}
	if (a->fmt == ZC_FMT_XLSX && a->is_query)
		return usage_error(cmd, "query writes table, csv or jsonl; for XLSX use export (the same filters)");
	if (a->fmt == ZC_FMT_XLSX && !a->out)
		return usage_error(cmd, "XLSX cannot go to standard output: give -o FILE.xlsx");
	return -1;
}

/* the rows into f (part, for XLSX), as the command asks */
static int export_rows(exp_args *a, zc_index *idx, FILE *f, const char *part, int progress,
		       const zc_profile_record *about)
{
	if (a->is_entries)
		return entries_write(idx, f, part, a->fmt, a->bom, &a->x.f, progress, about);
	if (a->fmt == ZC_FMT_TABLE)
		return table_write(idx, f, &a->x.f);
	unsigned flags = (a->x.f.which != ZC_Q_INCLUDED ? ZC_EXPORT_EXCLUDED : 0) | (a->body ? ZC_EXPORT_BODY : 0);
	int rc = zc_export_begin(f, part, a->fmt, "documents", flags, a->bom, about, &a->x.e);
	if (rc == ZC_OK) {
		a->x.prog = cli_progress(progress);
		rc = export_run(idx, &a->x, a->cmd);
	}
	return rc;
}

/* the corpus opened, the rows written to -o (whole or not at all) or standard output */
static int export_write(exp_args *a)
{
	const char *cmd = a->cmd, *out = a->out;
	zc_index *idx;
	if (open_corpus(cmd, corpus_dir(a->corpus), &idx))
		return 1;
	FILE *f = stdout;
	char *part = out ? part_name(out) : NULL;
	if (out && a->fmt != ZC_FMT_XLSX && !(f = fopen(part, "w"))) {
		fprintf(stderr, "zhengce %s: cannot write %s: %s\n", cmd, out, strerror(errno));
		free(part);
		zc_index_close(&idx);
		return 1;
	}
	int progress = !a->is_query && progress_wanted(!out);
	zc_profile_record about;	/* every row names the selection's profile */
	int has_about = zc_select_profile_record(idx, &about) == ZC_OK;
	int rc = export_rows(a, idx, f, part, progress, has_about ? &about : NULL);
	if (out)
		rc = part_finish(cmd, f != stdout ? f : NULL, part, out, rc);
	else if (rc != ZC_OK)
		fprintf(stderr, "zhengce %s: %s\n", cmd, zc_strerror(rc));
	free(part);
	zc_profile_record_clear(&about);
	zc_index_close(&idx);
	return rc != ZC_OK;
}

int cmd_export_like(const char *cmd, int argc, char **argv)
{
	exp_args a = {.cmd = cmd, .is_query = !strcmp(cmd, "query"), .is_entries = !strcmp(cmd, "entries"), .bom = 1};
	a.fmt = a.is_query ? ZC_FMT_TABLE : ZC_FMT_CSV;
	optind = 1;
	opterr = 0;
	int c, r = -1;
	while (r < 0 && (c = getopt_long(argc, argv, ":ho:", EXPORT_OPTS, NULL)) != -1)
		r = export_option(&a, c, argv);
	if (r >= 0)
		return r;
	if (optind < argc)
		return usage_error(cmd, "unexpected argument %s", argv[optind]);
	if ((r = export_checks(&a)) >= 0)
		return r;
	a.x.f.body = a.body || a.text;
	if (a.text)
		return text_export(corpus_dir(a.corpus), a.text, &a.x, a.bom);
	return export_write(&a);
}
