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

static int export_one(json_t *page, void *arg)
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
	int used = 0;
	for (const char *p = s; *p;) {
		unsigned cp;
		p += zc_utf8_next(p, &cp);
		used += cp >= 0x1100 ? 2 : 1;
	}
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

static int table_one(json_t *page, void *arg)
{
	tbl_ctx *t = arg;
	json_t *doc = json_object_get(page, "doc");
	char code[32] = "";
	json_int_t fc = json_integer_value(json_object_get(page, "file_code"));
	if (fc && !strcmp(zc_jstr(page, "decision"), "included"))
		snprintf(code, sizeof code, "%s-%lld", zc_page_jurisdiction(page), (long long)fc);
	const char *prov = zc_province_name(zc_page_jurisdiction(page));
	const char *w = zc_doc_date(doc);
	/* a title from the web reaches the terminal: no control or bidi character of it does */
	char *title = zc_text_visible(zc_jstr(doc, "title"), 0), *type = zc_text_visible(zc_jstr(doc, "type"), 0);
	table_row(t, code, w, prov ? prov : "", type, title, *zc_jstr(page, "reason") ? zc_jstr(page, "reason") : "included");
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

static int entry_one(json_t *entry, json_t *page, void *arg)
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
			 int progress, json_t *about)
{
	ent_ctx x = {NULL, ZC_OK, 0, {.on = progress}};
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
	json_t *about = zc_select_profile_record(idx);
	if (rc == ZC_OK)
		rc = zc_export_begin(NULL, part, ZC_FMT_TEXT, "documents", ZC_EXPORT_BODY, bom, about, &x->e);
	if (rc == ZC_OK) {
		x->prog.on = progress_wanted(0);
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
	json_decref(about);
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

int cmd_export_like(const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{"corpus", 1, 0, 'C'}, {"format", 1, 0, 'f'}, {"excluded", 0, 0, 'x'}, {"all", 0, 0, 'a'},
		{"output", 1, 0, 'o'}, {"no-bom", 0, 0, 'n'}, {"province", 1, 0, 'p'}, {"year", 1, 0, 'y'},
		{"issuer", 1, 0, 'i'}, {"type", 1, 0, 't'}, {"keyword", 1, 0, 'k'}, {"region", 1, 0, 'r'}, {"progress", 0, 0, 'P'},
		{"quiet", 0, 0, 'Q'}, {"body", 0, 0, 'B'}, {"text", 1, 0, 'T'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	int is_query = !strcmp(cmd, "query"), is_entries = !strcmp(cmd, "entries");
	const char *corpus = NULL, *out = NULL, *text = NULL;
	enum zc_format fmt = is_query ? ZC_FMT_TABLE : ZC_FMT_CSV;
	int bom = 1, c, fmt_given = 0, body = 0;
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
			zc_str_trim(optarg);
			int r = zc_region_parse(optarg);
			if (r < 0)
				return usage_error(cmd, "unknown region %s: the regions are east, centre, west and north-east", optarg);
			for (int i = 1; ZC_JURISDICTIONS[i]; i++)
				if (zc_province_region(ZC_JURISDICTIONS[i]) == r)
					juris_add(juris, sizeof juris, ZC_JURISDICTIONS[i]);
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
						zc_buf_catf(&b, "%s%s", k ? " " : "", types[k]);
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
		case 'B': body = 1; break;
		case 'T': text = optarg; break;
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
				      "(33-12.txt): its fields, a blank line, its text.\n", stdout);
			return 0;
		default: return option_error(cmd, c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument %s", argv[optind]);
	if ((body || text) && strcmp(cmd, "export"))
		return usage_error(cmd, "--%s is export's (the documents' text); %s has none", body ? "body" : "text", cmd);
	if (text && (out || fmt_given))
		return usage_error(cmd, "--text DIR writes one .txt a document into DIR; not with %s", out ? "-o" : "--format");
	if (text && x.f.which != ZC_Q_INCLUDED)
		return usage_error(cmd, "--text names each file by the document's code: the included documents only, "
					"not with --excluded or --all");
	if (text && !*text)
		return usage_error(cmd, "--text wants a directory");
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
	enum zc_format named;
	if (out && fmt_given && format_of_name(out, &named) == ZC_OK && named != fmt) {
		static const char *const NAMES[] = {"CSV", "JSONL", "XLSX", "a table"};
		return usage_error(cmd, "--format says %s but the name %s says %s: leave --format out (the name decides) "
					"or change the name", fmt <= ZC_FMT_TABLE ? NAMES[fmt] : "?", out, NAMES[named]);
	}
	if (fmt == ZC_FMT_XLSX && is_query)
		return usage_error(cmd, "query writes table, csv or jsonl; for XLSX use export (the same filters)");
	if (fmt == ZC_FMT_XLSX && !out)
		return usage_error(cmd, "XLSX cannot go to standard output: give -o FILE.xlsx");
	x.f.body = body || text;
	if (text)
		return text_export(corpus_dir(corpus), text, &x, bom);
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
		unsigned flags = (x.f.which != ZC_Q_INCLUDED ? ZC_EXPORT_EXCLUDED : 0) | (body ? ZC_EXPORT_BODY : 0);
		rc = zc_export_begin(f, part, fmt, "documents", flags, bom, about, &x.e);
		if (rc == ZC_OK) {
			x.prog.on = progress;
			rc = export_run(idx, &x, cmd);
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
