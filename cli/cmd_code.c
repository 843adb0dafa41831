/*
 * cmd_code.c - code: the codebook, coders' sheets, their import, agreement, resolution and
 * exchange with QDA software (coding/coding.h does the work; docs/CODEBOOK.md).
 */
#include "cli.h"
#include "coding.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char CODE_HELP[] =
	"usage: zhengce code SUBCOMMAND [OPTIONS]\n"
	"\n"
	"Coding the entries into the categories of a codebook (docs/CODEBOOK.md):\n"
	"  codebook   check a codebook and print it\n"
	"  sheet      a coder's sheet (XLSX with drop-downs, or CSV): one row an entry\n"
	"  import     a filled sheet (or a REFI-QDA project) back into the corpus, every value checked\n"
	"  export     a REFI-QDA project (.qdpx) or codebook (.qdc) for NVivo, MAXQDA, ATLAS.ti, QualCoder\n"
	"  agree      agreement between coders per category and round, disagreements, adjudication sheet\n"
	"  resolve    final codes: agreed, single-coded or adjudicated, normalisation map applied\n"
	"  list       the stored codings (or final codes) of every entry\n"
	"\n"
	"zhengce code SUBCOMMAND --help says more.\n";

static const char CODEBOOK_HELP[] =
	"usage: zhengce code codebook [--codebook FILE] [--json]\n"
	"\n"
	"Reads the codebook strictly (an unknown or mistyped field is an error naming it) and prints\n"
	"its categories and codes, or with --json the codebook as JSON.\n"
	"\n"
	"  --codebook FILE   the codebook (default $ZHENGCE_CODEBOOK, else codebooks/symbiosis.json)\n"
	"  --json            print the JSON (compact keys sorted, as its sha256 is computed)\n"
	"\n"
	"exit status: 0 valid, 1 invalid (the message names the field), 2 usage.\n";

static const char SHEET_HELP[] =
	"usage: zhengce code sheet --coder NAME -o FILE.xlsx|FILE.csv [--codebook FILE] [--sample N --seed S]\n"
	"\n"
	"A coder's sheet: one row an entry of the selection (entry code, province, year, document\n"
	"title, the entry's text, URL), a column a category of the codebook with a drop-down of its\n"
	"codes where the list is closed, a column for each category's relations, and note; a sheet\n"
	"with the codebook; frozen header, filters.  Blind: it holds no coder's codes.\n"
	"\n"
	"  --coder NAME      whom the sheet is for (named in the file)\n"
	"  -o, --output FILE .xlsx or .csv (UTF-8 with BOM); - is standard output (CSV)\n"
	"  --format F        xlsx or csv, when the extension does not say\n"
	"  --codebook FILE   default $ZHENGCE_CODEBOOK, else codebooks/symbiosis.json\n"
	"  --sample N        only N entries, the same N for every coder given the same --seed\n"
	"  --seed S          the sample's seed (default 1)\n";

static const char IMPORT_HELP[] =
	"usage: zhengce code import FILE --coder NAME [--round R] [--codebook FILE]\n"
	"       zhengce code import --qdpx FILE.qdpx [--coder NAME] [--round R]\n"
	"\n"
	"Reads a filled sheet (XLSX or CSV, as code sheet wrote it or any with an entry column and\n"
	"columns named by the categories) and stores each row's codes as the coder's coding of the\n"
	"entry in that round.  Every value is checked against the codebook; a row that cannot be\n"
	"used is reported with its number and the reason, the others are stored.  Importing the\n"
	"same sheet again changes nothing; a changed row replaces the coder's coding of that round.\n"
	"\n"
	"  --coder NAME      whose codings these are\n"
	"  --round R         1 (default) to 999\n"
	"  --codebook FILE   default: the one the corpus was coded with, else $ZHENGCE_CODEBOOK,\n"
	"                    else codebooks/symbiosis.json\n"
	"  --qdpx FILE       a REFI-QDA project instead (code export --qdpx, coded further in a QDA\n"
	"                    program): each user's codings as that coder's (--coder: all as one coder)\n"
	"\n"
	"exit status: 0 every row used, 1 some rows refused (the rest stored) or the file unusable.\n";

static const char AGREE_HELP[] =
	"usage: zhengce code agree [--round R] [--format table|csv|json] [--bootstrap N] [--seed S]\n"
	"                          [--disagreements FILE.csv] [--adjudication FILE.xlsx] [--codebook FILE]\n"
	"\n"
	"Agreement between the coders of a round (every round when --round is not given, so the\n"
	"progress from round to round shows), per category, per category's relations and over all:\n"
	"percent agreement, Holsti's CR, Cohen's kappa and Scott's pi (two coders), Fleiss' kappa\n"
	"(three or more), Krippendorff's alpha (nominal: sets as wholes; MASI: partial credit for\n"
	"overlapping sets), each with a 95% bootstrap interval over the entries.\n"
	"\n"
	"  --round R             one round (default: each)\n"
	"  --format F            table (default), csv (long form, with a BOM) or json\n"
	"  --bootstrap N         samples for the intervals (default 1000; 0: none)\n"
	"  --seed S              the bootstrap's seed (default 1)\n"
	"  --disagreements FILE  every entry the coders differ on, one row a category and coder (CSV)\n"
	"  --adjudication FILE   the sheet for the adjudication meeting (XLSX; needs --round):\n"
	"                        each coder's values and the column to fill; code resolve --sheet reads it\n"
	"  --codebook FILE       default: the one the corpus was coded with\n";

static const char RESOLVE_HELP[] =
	"usage: zhengce code resolve [--round R] [--sheet FILE] [--map FILE] [--codebook FILE]\n"
	"\n"
	"Stores the final codes of the round's entries: the codes every coder gave, a single coder's,\n"
	"or the adjudicated sheet's (code agree --adjudication, filled); an entry the coders differ on\n"
	"without a row in the sheet is reported and left as it was.  The normalisation map (JSON:\n"
	"{category or \"*\": {synonym: canonical code}}) is applied to codes and relations; the\n"
	"distinct codes per category before and after are printed.  Resolving again with the same\n"
	"inputs changes nothing.\n"
	"\n"
	"  --round R         default: the last round with codings\n"
	"  --sheet FILE      the adjudicated sheet (XLSX or CSV)\n"
	"  --map FILE        the normalisation map\n"
	"  --codebook FILE   default: the one the corpus was coded with\n"
	"\n"
	"exit status: 0 every entry resolved; 1 some left unresolved (listed) or an error.\n";

static const char EXPORT_HELP[] =
	"usage: zhengce code export --qdpx FILE.qdpx [--round R] [--codebook FILE]\n"
	"       zhengce code export --qdc FILE.qdc [--codebook FILE]\n"
	"\n"
	"The corpus for QDA software (NVivo, MAXQDA, ATLAS.ti, QualCoder) through the REFI-QDA\n"
	"standard: a project (.qdpx) with a text source a document (its entries, one a line, each\n"
	"\"[CODE] text\"), the codebook as codes, a user a coder and each coding as that user's\n"
	"coding of the entry's text; or the codebook alone (.qdc).  code import --qdpx reads a\n"
	"project coded further there back.\n"
	"\n"
	"  --round R         the codings of one round (default: every round, the last one per coder)\n";

static const char LIST_HELP[] =
	"usage: zhengce code list [--corpus DIR] [--coder NAME] [--round R] [--final] [--format table|jsonl]\n"
	"\n"
	"The stored codings, one line an entry and coder and round (entry code, coder, round, the\n"
	"codes of each category); with --final the final codes, flagged \"left\" when the entry is\n"
	"no longer in the selection and \"changed\" when its text changed since it was coded.\n"
	"\n"
	"  --coder NAME      only this coder's codings\n"
	"  --round R         only this round's\n"
	"  --final           the final codes instead\n"
	"  --format F        table (tab-separated, the default) or jsonl (the stored records)\n";

static int load_codebook(const char *cmd, const char *opt, zc_codebook **cb)
{
	char *path = data_file(opt, "ZHENGCE_CODEBOOK", "codebooks/symbiosis.json"), *err = NULL;
	int rc = zc_codebook_load(path, cb, &err);
	if (rc != ZC_OK)
		fprintf(stderr, "zhengce %s: %s\n", cmd, err);
	free(err);
	free(path);
	return rc == ZC_OK ? 0 : 1;
}

/* --round R (1 to 999) into *rd when given: 0, or the usage error's exit */
static int round_arg(const char *cmd, const char *round, long *rd)
{
	if (round && zc_parse_long(round, 1, 999, rd) != ZC_OK)
		return usage_error(cmd, "--round wants a number from 1 to 999, not %s", round);
	return 0;
}

static int stored_codebook(zc_txn *t, void *arg)
{
	int rc = zc_tx_codebook_get(t, arg);
	return rc == ZC_ENOTFOUND ? ZC_OK : rc;
}

static int code_codebook(int argc, char **argv)
{
	const char *cbf = NULL;
	int json = 0;
	const cli_opt opts[] = {{"codebook", &cbf, NULL}, {"json", NULL, &json}};
	int r = simple_options("code codebook", CODEBOOK_HELP, argc, argv, opts, 2, 0);
	if (r >= 0)
		return r;
	zc_codebook *cb;
	if (load_codebook("code codebook", cbf, &cb))
		return 1;
	if (json) {
		char *s = json_dumps(cb->json, JSON_INDENT(2) | JSON_SORT_KEYS);
		puts(s);
		free(s);
	} else {
		zc_codebook_print(cb, stdout);
	}
	zc_codebook_free(&cb);
	return 0;
}

typedef struct list_ctx {
	const char *coder;
	long round;
	int jsonl;
} list_ctx;

/* the codes of each category, then the relations of those that have them */
static void print_codes(const zc_codes *codes)
{
	for (int rel = 0; rel < 2; rel++)
		for (size_t i = 0; i < codes->ncats; i++) {
			char *s = zc_catcodes_join(&codes->cats[i], rel);
			if (!rel || *s)
				printf(rel ? "\t%s:relations=%s" : "\t%s=%s", codes->cats[i].category, s);
			free(s);
		}
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(o);
}

static int list_coding(const zc_coding *c, void *arg)
{
	list_ctx *l = arg;
	if ((l->coder && strcmp(l->coder, c->coder)) || (l->round && (long)c->round != l->round))
		return 0;
	if (l->jsonl) {
		print_json(zc_coding_json(c));
		return 0;
	}
	printf("%s\t%s\t%u", c->entry, c->coder, c->round);
	print_codes(&c->codes);
	putchar('\n');
	return 0;
}

static int list_final(const zc_final_codes *f, void *arg)
{
	list_ctx *l = arg;
	if (l->jsonl) {
		/* the stored record, and whether the entry left the selection or changed */
		json_t *o = zc_final_json(f->rec);
		json_object_set_new(o, "left", json_boolean(f->flags & ZC_FINAL_LEFT));
		json_object_set_new(o, "changed", json_boolean(f->flags & ZC_FINAL_CHANGED));
		print_json(o);
		return 0;
	}
	printf("%s\t%s", f->entry, (f->flags & ZC_FINAL_LEFT) ? "left" : (f->flags & ZC_FINAL_CHANGED) ? "changed" : "ok");
	print_codes(&f->rec->codes);
	putchar('\n');
	return 0;
}

static int list_txn(zc_txn *t, void *arg)
{
	return zc_tx_codings_each(t, list_coding, arg);
}

static int code_list(int argc, char **argv)
{
	const char *corpus = NULL, *coder = NULL, *round = NULL, *format = NULL;
	int final = 0;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"coder", &coder, NULL}, {"round", &round, NULL}, {"format", &format, NULL},
				{"final", NULL, &final}};
	int r = simple_options("code list", LIST_HELP, argc, argv, opts, 5, 0);
	if (r >= 0)
		return r;
	list_ctx l = {coder, 0, 0};
	if ((r = round_arg("code list", round, &l.round)))
		return r;
	enum zc_format fmt = ZC_FMT_TABLE;
	if ((r = format_option("code list", format, "table|jsonl", &fmt)) >= 0)
		return r;
	l.jsonl = fmt == ZC_FMT_JSONL;
	if (final && (coder || round))
		return usage_error("code list", "--final lists the final codes: --coder and --round do not apply");
	zc_index *idx;
	if (open_corpus("code list", corpus_dir(corpus), &idx))
		return 1;
	int rc = final ? zc_coding_finals_each(idx, list_final, &l) : zc_index_read(idx, list_txn, &l);
	zc_index_close(&idx);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce code list: %s\n", zc_strerror(rc));
		return 1;
	}
	return 0;
}

/* the codebook: --codebook, else the one the corpus's codings were made with, else the default */
static int corpus_codebook(const char *cmd, zc_index *idx, const char *opt, zc_codebook **cb)
{
	if (!opt && !getenv("ZHENGCE_CODEBOOK")) {
		zc_codebook_rec rec = {0};
		if (zc_index_read(idx, stored_codebook, &rec) == ZC_OK && rec.own_) {
			char *err = NULL;
			int rc = zc_codebook_from_json(rec.codebook, "the corpus's codebook", cb, &err);
			zc_codebook_rec_clear(&rec);
			if (rc != ZC_OK)
				fprintf(stderr, "zhengce %s: %s\n", cmd, err);
			free(err);
			return rc == ZC_OK ? 0 : 1;
		}
	}
	return load_codebook(cmd, opt, cb);
}

static int code_sheet(int argc, char **argv)
{
	const char *corpus = NULL, *coder = NULL, *out = NULL, *cbf = NULL, *sample = NULL, *seed = NULL, *format = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"coder", &coder, NULL}, {"output", &out, NULL}, {"codebook", &cbf, NULL},
				{"sample", &sample, NULL}, {"seed", &seed, NULL}, {"format", &format, NULL}};
	int r = simple_options("code sheet", SHEET_HELP, argc, argv, opts, 7, 0);
	if (r >= 0)
		return r;
	if (!coder)
		return usage_error("code sheet", "give the coder: --coder NAME");
	if (zc_coder_name_check(coder) != ZC_OK)
		return usage_error("code sheet", "--coder: \"%s\" is not a coder's name (1 to 64 bytes, no control characters, | or ;)", coder);
	if (!out)
		return usage_error("code sheet", "give the output file: -o sheet.xlsx (or .csv)");
	long n = 0, sd = 1;
	if (sample && zc_parse_long(sample, 1, 100000000, &n) != ZC_OK)
		return usage_error("code sheet", "--sample wants a number of entries, not %s", sample);
	if (seed && zc_parse_long(seed, 0, 2147483647, &sd) != ZC_OK)
		return usage_error("code sheet", "--seed wants a number from 0 to 2147483647, not %s", seed);
	if (seed && !sample)
		return usage_error("code sheet", "--seed chooses a sample: give --sample N too");
	int xlsx;
	enum zc_format fmt;
	if (format) {
		if ((r = format_option("code sheet", format, "xlsx|csv", &fmt)) >= 0)
			return r;
		xlsx = fmt == ZC_FMT_XLSX;
	} else if (zc_str_ends(out, ".xlsx") || zc_str_ends(out, ".XLSX")) {
		xlsx = 1;
	} else if (zc_str_ends(out, ".csv") || zc_str_ends(out, ".CSV") || !strcmp(out, "-")) {
		xlsx = 0;
	} else {
		return usage_error("code sheet", "-o %s: the extension says neither .xlsx nor .csv; give --format", out);
	}
	if (xlsx && !strcmp(out, "-"))
		return usage_error("code sheet", "an XLSX sheet goes to a file: -o sheet.xlsx");
	zc_index *idx;
	if (open_corpus("code sheet", corpus_dir(corpus), &idx))
		return 1;
	zc_codebook *cb;
	if (corpus_codebook("code sheet", idx, cbf, &cb)) {
		zc_index_close(&idx);
		return 1;
	}
	zc_sheet_opts o = {cb, coder, NULL, n, (unsigned long)sd, xlsx};
	long rows = 0;
	int to_stdout = !strcmp(out, "-");
	char *part = to_stdout ? NULL : part_name(out);
	int rc;
	if (xlsx) {
		rc = zc_sheet_write(idx, &o, part, NULL, &rows);
		if (rc == ZC_OK && rename(part, out) != 0)
			rc = zc_write_error(errno);
		if (rc != ZC_OK) {
			fprintf(stderr, "zhengce code sheet: cannot write %s: %s\n", out, zc_strerror(rc));
			remove(part);
		}
	} else if (to_stdout) {
		rc = zc_sheet_write(idx, &o, NULL, stdout, &rows);
	} else {
		FILE *f = fopen(part, "w");
		if (!f) {
			fprintf(stderr, "zhengce code sheet: cannot write %s: %s\n", out, strerror(errno));
			rc = ZC_EIO;
		} else {
			rc = part_finish("code sheet", f, part, out, zc_sheet_write(idx, &o, NULL, f, &rows));
		}
	}
	free(part);
	zc_index_close(&idx);
	zc_codebook_free(&cb);
	if (rc != ZC_OK)
		return 1;
	if (!to_stdout)
		printf("wrote %s: %ld entries for coder %s\n", out, rows, coder);
	return 0;
}

static void import_problem(long row, const char *entry, const char *why, void *arg)
{
	const char *file = arg;
	fprintf(stderr, "zhengce code import: %s: row %ld%s%s%s: %s\n", file, row, *entry ? " (" : "", entry, *entry ? ")" : "", why);
}

static int read_file(const char *cmd, const char *path, zc_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "zhengce %s: cannot read %s: %s\n", cmd, path, strerror(errno));
		return 1;
	}
	zc_buf_init(b, (size_t)256 << 20);
	int rc = zc_buf_read(b, f);
	fclose(f);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce %s: cannot read %s: %s\n", cmd, path, rc == ZC_ETOOBIG ? "larger than 256 MB" : zc_strerror(rc));
		zc_buf_free(b);
		return 1;
	}
	return 0;
}

/* an import's --coder (when given) and --round (1 by default): 0, or the usage error's exit */
static int import_args(const char *coder, const char *round, long *rd)
{
	*rd = 1;
	if (coder && zc_coder_name_check(coder) != ZC_OK)
		return usage_error("code import", "--coder: \"%s\" is not a coder's name (1 to 64 bytes, no control characters, | or ;)", coder);
	return round_arg("code import", round, rd);
}

/* what an import reads: the file, and the codebook (--codebook, else the corpus's): 0, or 1
   when it said why not */
static int import_inputs(const char *corpus, const char *file, const char *cbf, zc_buf *b, zc_codebook **cb)
{
	*cb = NULL;
	if (read_file("code import", file, b))
		return 1;
	zc_index *idx;
	if (open_corpus("code import", corpus_dir(corpus), &idx)) {
		zc_buf_free(b);
		return 1;
	}
	int bad = corpus_codebook("code import", idx, cbf, cb);
	zc_index_close(&idx);
	if (bad)
		zc_buf_free(b);
	return bad;
}

/* the corpus opened for writing: 0, or 1 when it said why not */
static int open_writable(const char *cmd, const char *corpus, zc_index **idx)
{
	int rc = zc_index_open(corpus_dir(corpus), 0, idx);
	if (rc != ZC_OK)
		fprintf(stderr, "zhengce %s: cannot open the corpus for writing: %s\n", cmd, zc_strerror(rc));
	return rc != ZC_OK;
}

/* a file written as part, renamed over path when rc is ZC_OK, else removed and the failure said:
   the result */
static int part_done(const char *cmd, const char *part, const char *path, int rc)
{
	if (rc == ZC_OK && rename(part, path) != 0)
		rc = zc_write_error(errno);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce %s: cannot write %s: %s\n", cmd, path, zc_strerror(rc));
		remove(part);
	}
	return rc;
}


static void qdpx_problem(long sel, const char *entry, const char *why, void *arg)
{
	fprintf(stderr, "zhengce code import: %s: selection %ld%s%s%s: %s\n", (const char *)arg, sel, *entry ? " (" : "", entry,
		*entry ? ")" : "", why);
}

/* code import --qdpx: each user's codings of the project as that coder's (or --coder's) */
/* a QDPX reader's codings ({coders: {coder: [rows]}, problems}) stored, coder by coder: how many
   were refused; *bad set on an error */
static long qdpx_store(zc_index *idx, const zc_codebook *cb, long rd, const char *file, json_t *got, int *bad)
{
	long refused = 0;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(got, "problems"), i, p) {
		qdpx_problem((long)json_integer_value(json_array_get(p, 0)), json_string_value(json_array_get(p, 1)),
			     json_string_value(json_array_get(p, 2)), (void *)file);
		refused++;
	}
	const char *user;
	json_t *rows;
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	json_object_foreach(json_object_get(got, "coders"), user, rows) {
		zc_import_opts o = {cb, user, (unsigned)rd, base};
		zc_import_stats st;
		if (zc_coder_name_check(user) != ZC_OK) {
			fprintf(stderr, "zhengce code import: %s: the user \"%s\" is no coder's name; give --coder\n", file, user);
			refused += (long)json_array_size(rows);
			continue;
		}
		char *err = NULL;
		int rc = zc_import_records(idx, &o, rows, qdpx_problem, (void *)file, &st, &err);
		if (rc != ZC_OK) {
			fprintf(stderr, "zhengce code import: %s: %s\n", file, err ? err : zc_strerror(rc));
			free(err);
			*bad = 1;
			break;
		}
		printf("%s: coder %s, round %ld: %ld entries: %ld stored, %ld changed, %ld unchanged, %ld refused\n", file, user, rd,
		       st.rows, st.stored, st.changed, st.unchanged, st.refused);
		refused += st.refused;
	}
	return refused;
}

static int import_qdpx(const char *corpus, const char *file, const char *coder, const char *round, const char *cbf)
{
	long rd;
	int r = import_args(coder, round, &rd);
	if (r)
		return r;
	zc_buf b;
	zc_codebook *cb;
	if (import_inputs(corpus, file, cbf, &b, &cb))
		return 1;
	json_t *got = NULL;
	char *err = NULL;
	int bad = 0;
	if (zc_qdpx_read(cb, b.data ? b.data : "", b.len, coder, &got, &err) != ZC_OK) {
		fprintf(stderr, "zhengce code import: %s: %s\n", file, err);
		bad = 1;
	}
	free(err);
	zc_buf_free(&b);
	zc_index *idx;
	long refused = 0;
	if (!bad && !(bad = open_writable("code import", corpus, &idx))) {
		refused = qdpx_store(idx, cb, rd, file, got, &bad);
		zc_index_close(&idx);
	}
	json_decref(got);
	zc_codebook_free(&cb);
	return bad || refused ? 1 : 0;
}

static int code_import(int argc, char **argv)
{
	const char *corpus = NULL, *coder = NULL, *round = NULL, *cbf = NULL, *qdpx = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"coder", &coder, NULL}, {"round", &round, NULL}, {"codebook", &cbf, NULL}, {"qdpx", &qdpx, NULL}};
	int r = simple_options("code import", IMPORT_HELP, argc, argv, opts, 5, 1);
	if (r >= 0)
		return r;
	if (qdpx && optind < argc)
		return usage_error("code import", "unexpected argument %s: --qdpx names the file", argv[optind]);
	if (qdpx)
		return import_qdpx(corpus, qdpx, coder, round, cbf);
	if (optind >= argc)
		return usage_error("code import", "give the filled sheet: zhengce code import FILE --coder NAME");
	const char *file = argv[optind];
	if (!coder)
		return usage_error("code import", "give the coder: --coder NAME");
	long rd;
	if ((r = import_args(coder, round, &rd)))
		return r;
	zc_buf b;
	zc_codebook *cb;
	if (import_inputs(corpus, file, cbf, &b, &cb))
		return 1;
	zc_index *idx;
	if (open_writable("code import", corpus, &idx)) {
		zc_codebook_free(&cb);
		zc_buf_free(&b);
		return 1;
	}
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	zc_import_opts o = {cb, coder, (unsigned)rd, base};
	zc_import_stats st;
	char *err = NULL;
	int rc = zc_import_sheet(idx, &o, b.data ? b.data : "", b.len, import_problem, (void *)file, &st, &err);
	zc_index_close(&idx);
	zc_buf_free(&b);
	zc_codebook_free(&cb);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce code import: %s: %s\n", file, err ? err : zc_strerror(rc));
		free(err);
		return 1;
	}
	printf("%s: %ld rows for coder %s, round %ld: %ld stored, %ld changed, %ld unchanged, %ld not coded, %ld refused\n",
	       file, st.rows, coder, rd, st.stored, st.changed, st.unchanged, st.empty, st.refused);
	if (st.refused)
		fprintf(stderr, "zhengce code import: %ld row%s refused (above); the other rows are stored\n", st.refused,
			st.refused == 1 ? "" : "s");
	return st.refused ? 1 : 0;
}

static void num(double v)
{
	if (v != v)
		printf("%11s", "-");
	else
		printf("%11.3f", v);
}

static void agree_table(json_t *rep)
{
	json_t *coders = json_object_get(rep, "coders"), *c;
	size_t i;
	printf("round %lld: %lld entries, coders", (long long)json_integer_value(json_object_get(rep, "round")),
	       (long long)json_integer_value(json_object_get(rep, "entries")));
	json_array_foreach(coders, i, c)
		printf("%s %s", i ? "," : "", json_string_value(c));
	printf("\n%-26s %6s", "category", "units");
	for (int k = 0; k < ZC_AGREE_NCOEF; k++) {
		static const char *const h[] = {"percent", "holsti", "kappa", "pi", "fleiss", "alpha", "a.masi"};
		printf(" %11s", h[k]);
	}
	putchar('\n');
	json_t *cats = json_object_get(rep, "categories"), *o;
	for (size_t k = 0; k <= json_array_size(cats); k++) {
		o = k < json_array_size(cats) ? json_array_get(cats, k) : json_object_get(rep, "overall");
		char *label = k < json_array_size(cats) ? zc_asprintf("%s %s", json_string_value(json_object_get(o, "name")),
								      json_string_value(json_object_get(o, "category")))
							: zc_strdup("all");
		/* a CJK character is two columns wide: pad by display width */
		int w = zc_text_width(label);
		printf("%s%*s %6lld", label, w < 26 ? 26 - w : 0, "", (long long)json_integer_value(json_object_get(o, "units")));
		free(label);
		for (int q = 0; q < ZC_AGREE_NCOEF; q++) {
			json_t *v = json_object_get(o, ZC_AGREE_NAMES[q]);
			putchar(' ');
			num(json_is_number(v) ? json_number_value(v) : 0.0 / 0.0);
		}
		putchar('\n');
		/* the intervals of the line above, where there are any */
		json_t *ci = json_object_get(o, "ci95");
		if (json_object_size(ci)) {
			printf("%-26s %6s", "  95% interval", "");
			for (int q = 0; q < ZC_AGREE_NCOEF; q++) {
				json_t *p = json_object_get(ci, ZC_AGREE_NAMES[q]);
				if (p)
					printf(" %5.2f,%5.2f", json_number_value(json_array_get(p, 0)), json_number_value(json_array_get(p, 1)));
				else
					printf(" %11s", "");
			}
			putchar('\n');
		}
	}
	printf("%zu entries with disagreements\n\n", json_array_size(json_object_get(rep, "disagreements")));
}

static void agree_csv_rows(FILE *f, json_t *rep)
{
	json_t *cats = json_object_get(rep, "categories");
	for (size_t k = 0; k <= json_array_size(cats); k++) {
		json_t *o = k < json_array_size(cats) ? json_array_get(cats, k) : json_object_get(rep, "overall");
		for (int q = 0; q < ZC_AGREE_NCOEF; q++) {
			json_t *v = json_object_get(o, ZC_AGREE_NAMES[q]), *ci = json_object_get(json_object_get(o, "ci95"), ZC_AGREE_NAMES[q]);
			if (!json_is_number(v))
				continue;
			char r[16], val[32], lo[32] = "", hi[32] = "", u[32], pr[32], nc[32];
			snprintf(r, sizeof r, "%lld", (long long)json_integer_value(json_object_get(rep, "round")));
			snprintf(val, sizeof val, "%.6f", json_number_value(v));
			if (ci) {
				snprintf(lo, sizeof lo, "%.6f", json_number_value(json_array_get(ci, 0)));
				snprintf(hi, sizeof hi, "%.6f", json_number_value(json_array_get(ci, 1)));
			}
			snprintf(u, sizeof u, "%lld", (long long)json_integer_value(json_object_get(o, "units")));
			snprintf(pr, sizeof pr, "%lld", (long long)json_integer_value(json_object_get(o, "pairable")));
			snprintf(nc, sizeof nc, "%lld", (long long)json_integer_value(json_object_get(o, "coders")));
			csv_cell(f, r, 0);
			csv_cell(f, k < json_array_size(cats) ? json_string_value(json_object_get(o, "category")) : "all", 0);
			csv_cell(f, k < json_array_size(cats) ? json_string_value(json_object_get(o, "name")) : "", 0);
			csv_cell(f, ZC_AGREE_NAMES[q], 0);
			csv_cell(f, val, 0);
			csv_cell(f, lo, 0);
			csv_cell(f, hi, 0);
			csv_cell(f, u, 0);
			csv_cell(f, pr, 0);
			csv_cell(f, nc, 1);
		}
	}
}

static int write_disagreements(const char *path, json_t *reports)
{
	char *part = part_name(path);
	FILE *f = fopen(part, "w");
	if (!f) {
		fprintf(stderr, "zhengce code agree: cannot write %s: %s\n", path, strerror(errno));
		free(part);
		return ZC_EIO;
	}
	fputs("\xef\xbb\xbf", f);
	static const char *const h[] = {"round", "entry", "category", "coder", "values"};
	for (int i = 0; i < 5; i++)
		csv_cell(f, h[i], i == 4);
	size_t i, k;
	json_t *rep, *d;
	json_array_foreach(reports, i, rep) {
		char r[16];
		snprintf(r, sizeof r, "%lld", (long long)json_integer_value(json_object_get(rep, "round")));
		json_array_foreach(json_object_get(rep, "disagreements"), k, d) {
			const char *cat, *coder;
			json_t *byc, *v;
			json_object_foreach(json_object_get(d, "categories"), cat, byc) {
				json_object_foreach(byc, coder, v) {
					char *s = zc_values_join(v);
					csv_cell(f, r, 0);
					csv_cell(f, json_string_value(json_object_get(d, "entry")), 0);
					csv_cell(f, cat, 0);
					csv_cell(f, coder, 0);
					csv_cell(f, s, 1);
					free(s);
				}
			}
		}
	}
	int rc = part_finish("code agree", f, part, path, ZC_OK);
	free(part);
	return rc;
}

/* the agreement of each round with codings (only rd when not 0): 0, or 1 when it said why not */
static int agree_reports(zc_index *idx, const zc_codebook *cb, long rd, const char *round, long nb, long sd, json_t *reports)
{
	unsigned *rounds = NULL;
	size_t nr = 0;
	int rc = zc_coding_rounds(idx, &rounds, &nr);
	int found = !rd;
	for (size_t i = 0; rc == ZC_OK && i < nr; i++) {
		if (rd && rounds[i] != (unsigned)rd)
			continue;
		found = 1;
		json_t *rep;
		rc = zc_agree_round(idx, cb, rounds[i], nb, (unsigned long)sd, &rep);
		if (rc == ZC_OK)
			json_array_append_new(reports, rep);
	}
	free(rounds);
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce code agree: %s\n", zc_strerror(rc));
		return 1;
	}
	if (!nr || !found) {
		fprintf(stderr, "zhengce code agree: no codings%s%s in the corpus; import coders' sheets first (zhengce code import)\n",
			rd ? " of round " : "", rd ? round : "");
		return 1;
	}
	return 0;
}

/* the reports on stdout: JSON, CSV (with a BOM) or a table */
static void agree_print(enum zc_format fmt, json_t *reports)
{
	size_t i;
	json_t *rep;
	if (fmt == ZC_FMT_JSON) {
		char *s = json_dumps(reports, JSON_INDENT(1));
		puts(s);
		free(s);
	} else if (fmt == ZC_FMT_CSV) {
		fputs("\xef\xbb\xbf", stdout);
		static const char *const h[] = {"round", "category", "name", "coefficient", "value", "ci95_low", "ci95_high",
						"units", "pairable", "coders"};
		for (int k = 0; k < 10; k++)
			csv_cell(stdout, h[k], k == 9);
		json_array_foreach(reports, i, rep)
			agree_csv_rows(stdout, rep);
	} else {
		json_array_foreach(reports, i, rep)
			agree_table(rep);
	}
}

/* the adjudication sheet of the report's round at path: 0, or 1 when it said why not */
static int agree_adjudication(zc_index *idx, const zc_codebook *cb, json_t *report, const char *path)
{
	char *part = part_name(path);
	int rc = part_done("code agree", part, path, zc_adjudication_sheet(idx, cb, report, part));
	free(part);
	if (rc != ZC_OK)
		return 1;
	fprintf(stderr, "wrote %s: %zu entries to adjudicate\n", path, json_array_size(json_object_get(report, "disagreements")));
	return 0;
}

static int code_agree(int argc, char **argv)
{
	const char *corpus = NULL, *round = NULL, *format = NULL, *boot = NULL, *seed = NULL, *dis = NULL, *adj = NULL, *cbf = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"round", &round, NULL}, {"format", &format, NULL}, {"bootstrap", &boot, NULL}, {"seed", &seed, NULL},
				{"disagreements", &dis, NULL}, {"adjudication", &adj, NULL}, {"codebook", &cbf, NULL}};
	int r = simple_options("code agree", AGREE_HELP, argc, argv, opts, 8, 0);
	if (r >= 0)
		return r;
	long rd = 0, nb = 1000, sd = 1;
	if ((r = round_arg("code agree", round, &rd)))
		return r;
	if (boot && zc_parse_long(boot, 0, 100000, &nb) != ZC_OK)
		return usage_error("code agree", "--bootstrap wants a number of samples from 0 to 100000, not %s", boot);
	if (seed && zc_parse_long(seed, 0, 2147483647, &sd) != ZC_OK)
		return usage_error("code agree", "--seed wants a number from 0 to 2147483647, not %s", seed);
	enum zc_format fmt = ZC_FMT_TABLE;
	if ((r = format_option("code agree", format, "table|csv|json", &fmt)) >= 0)
		return r;
	if (adj && !round)
		return usage_error("code agree", "--adjudication makes the sheet of one round: give --round R");
	zc_index *idx;
	if (open_corpus("code agree", corpus_dir(corpus), &idx))
		return 1;
	zc_codebook *cb;
	if (corpus_codebook("code agree", idx, cbf, &cb)) {
		zc_index_close(&idx);
		return 1;
	}
	json_t *reports = json_array();
	int ret = agree_reports(idx, cb, rd, round, nb, sd, reports);
	if (!ret) {
		agree_print(fmt, reports);
		if (dis && write_disagreements(dis, reports) != ZC_OK)
			ret = 1;
		if (adj && json_array_size(reports) && agree_adjudication(idx, cb, json_array_get(reports, 0), adj))
			ret = 1;
	}
	json_decref(reports);
	zc_codebook_free(&cb);
	zc_index_close(&idx);
	return ret;
}

static void resolve_problem(long row, const char *entry, const char *why, void *arg)
{
	const char *file = arg;
	if (row > 0)
		fprintf(stderr, "zhengce code resolve: %s: row %ld%s%s%s: %s\n", file ? file : "", row, *entry ? " (" : "", entry,
			*entry ? ")" : "", why);
	else
		fprintf(stderr, "zhengce code resolve: entry %s: %s\n", entry, why);
}

/* the round to resolve: rd, else the last with codings; 0, or 1 when it said why not */
static int resolve_round(zc_index *idx, long *rd)
{
	unsigned *rounds = NULL;
	size_t nr = 0;
	if (zc_coding_rounds(idx, &rounds, &nr) == ZC_OK && !*rd && nr)
		*rd = rounds[nr - 1];
	free(rounds);
	if (!nr) {
		fprintf(stderr, "zhengce code resolve: no codings in the corpus; import coders' sheets first (zhengce code import)\n");
		return 1;
	}
	return 0;
}

/* the adjudicated sheet and the normalisation map, when given, read and checked: 0, or 1 when it
   said why not */
static int resolve_inputs(const zc_codebook *cb, const char *sheet, const char *mapf, zc_import_parsed **ps, json_t **map)
{
	zc_buf b;
	char *err = NULL;
	int bad = 0;
	if (sheet && !(bad = read_file("code resolve", sheet, &b))) {
		if (zc_import_table(cb, b.data ? b.data : "", b.len, ps, &err) != ZC_OK) {
			fprintf(stderr, "zhengce code resolve: %s: %s\n", sheet, err);
			bad = 1;
		}
		zc_buf_free(&b);
	}
	if (!bad && mapf && !(bad = read_file("code resolve", mapf, &b))) {
		if (zc_normalisation_parse(cb, b.data ? b.data : "", b.len, mapf, map, &err) != ZC_OK) {
			fprintf(stderr, "zhengce code resolve: %s\n", err);
			bad = 1;
		}
		zc_buf_free(&b);
	}
	free(err);
	return bad;
}

/* what resolve did, and the distinct codes of each category (before and after the map) */
static void resolve_print(const zc_codebook *cb, long rd, const zc_resolve_stats *st, int mapped)
{
	printf("round %ld: %ld entries: %ld agreed, %ld coded once, %ld adjudicated, %ld unresolved; %ld final records "
	       "written, %ld unchanged\n",
	       rd, st->entries, st->agreed, st->single, st->adjudicated, st->unresolved, st->stored, st->unchanged);
	printf("distinct codes%s:", mapped ? " before and after normalisation" : "");
	for (size_t i = 0; i < cb->ncats; i++) {
		json_t *c = json_object_get(st->counts, cb->cats[i].id);
		printf(" %s %lld", cb->cats[i].name, (long long)json_integer_value(json_object_get(c, "before")));
		if (mapped)
			printf(" -> %lld (%lld renamed)", (long long)json_integer_value(json_object_get(c, "after")),
			       (long long)json_integer_value(json_object_get(c, "renamed")));
		printf("%s", i + 1 < cb->ncats ? ";" : "\n");
	}
}

static int code_resolve(int argc, char **argv)
{
	const char *corpus = NULL, *round = NULL, *sheet = NULL, *mapf = NULL, *cbf = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"round", &round, NULL}, {"sheet", &sheet, NULL}, {"map", &mapf, NULL}, {"codebook", &cbf, NULL}};
	int r = simple_options("code resolve", RESOLVE_HELP, argc, argv, opts, 5, 0);
	if (r >= 0)
		return r;
	long rd = 0;
	if ((r = round_arg("code resolve", round, &rd)))
		return r;
	zc_index *idx;
	if (open_corpus("code resolve", corpus_dir(corpus), &idx))
		return 1;
	zc_codebook *cb = NULL;
	int bad = corpus_codebook("code resolve", idx, cbf, &cb) || resolve_round(idx, &rd);
	zc_index_close(&idx);
	zc_import_parsed *ps = NULL;
	json_t *map = NULL;
	bad = bad || resolve_inputs(cb, sheet, mapf, &ps, &map) || open_writable("code resolve", corpus, &idx);
	zc_resolve_stats st = {0};
	if (!bad) {
		const char *base = strrchr(mapf ? mapf : "", '/') ? strrchr(mapf, '/') + 1 : mapf;
		zc_resolve_opts o = {cb, (unsigned)rd, ps, map, base};
		int rc = zc_resolve(idx, &o, resolve_problem, (void *)sheet, &st);
		zc_index_close(&idx);
		if (rc != ZC_OK) {
			fprintf(stderr, "zhengce code resolve: %s\n", zc_strerror(rc));
			bad = 1;
		}
	}
	if (!bad)
		resolve_print(cb, rd, &st, map != NULL);
	json_decref(st.counts);
	json_decref(map);
	zc_import_parsed_free(&ps);
	zc_codebook_free(&cb);
	return bad ? 1 : st.unresolved ? 1 : 0;
}

static int code_export(int argc, char **argv)
{
	const char *corpus = NULL, *qdpx = NULL, *qdc = NULL, *round = NULL, *cbf = NULL;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"qdpx", &qdpx, NULL}, {"qdc", &qdc, NULL}, {"round", &round, NULL}, {"codebook", &cbf, NULL}};
	int r = simple_options("code export", EXPORT_HELP, argc, argv, opts, 5, 0);
	if (r >= 0)
		return r;
	if (!qdpx == !qdc)
		return usage_error("code export", "give one of --qdpx FILE (a project) or --qdc FILE (the codebook)");
	long rd = 0;
	if ((r = round_arg("code export", round, &rd)))
		return r;
	if (qdc && round)
		return usage_error("code export", "--round is for --qdpx: a codebook has no codings");
	zc_codebook *cb = NULL;
	zc_index *idx = NULL;
	int rc;
	if (qdc) {
		/* the codebook alone needs no corpus */
		if (cbf || getenv("ZHENGCE_CODEBOOK") || zc_index_open(corpus_dir(corpus), ZC_INDEX_RDONLY, &idx) != ZC_OK) {
			if (load_codebook("code export", cbf, &cb))
				return 1;
		} else if (corpus_codebook("code export", idx, NULL, &cb)) {
			zc_index_close(&idx);
			return 1;
		}
		zc_index_close(&idx);
		char *part = part_name(qdc);
		FILE *f = fopen(part, "w");
		if (!f) {
			fprintf(stderr, "zhengce code export: cannot write %s: %s\n", qdc, strerror(errno));
			rc = ZC_EIO;
		} else {
			rc = part_finish("code export", f, part, qdc, zc_qdc_write(cb, f));
		}
		free(part);
		zc_codebook_free(&cb);
		if (rc == ZC_OK)
			printf("wrote %s\n", qdc);
		return rc == ZC_OK ? 0 : 1;
	}
	if (open_corpus("code export", corpus_dir(corpus), &idx))
		return 1;
	if (corpus_codebook("code export", idx, cbf, &cb)) {
		zc_index_close(&idx);
		return 1;
	}
	char *part = part_name(qdpx);
	long sources = 0, sels = 0;
	rc = part_done("code export", part, qdpx, zc_qdpx_export(idx, cb, (unsigned)rd, part, &sources, &sels));
	if (rc == ZC_OK)
		printf("wrote %s: %ld documents as text sources, %ld codings of entries\n", qdpx, sources, sels);
	free(part);
	zc_index_close(&idx);
	zc_codebook_free(&cb);
	return rc == ZC_OK ? 0 : 1;
}

static const char *const SUBS[] = {"codebook", "sheet", "import", "export", "agree", "resolve", "list"};

int cmd_code(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(CODE_HELP, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	if (sub[0] == '-')
		return usage_error("code", "unknown option %s; give a subcommand first (zhengce code --help)", sub);
	if (!strcmp(sub, "codebook"))
		return code_codebook(argc - 1, argv + 1);
	if (!strcmp(sub, "list"))
		return code_list(argc - 1, argv + 1);
	if (!strcmp(sub, "sheet"))
		return code_sheet(argc - 1, argv + 1);
	if (!strcmp(sub, "import"))
		return code_import(argc - 1, argv + 1);
	if (!strcmp(sub, "agree"))
		return code_agree(argc - 1, argv + 1);
	if (!strcmp(sub, "export"))
		return code_export(argc - 1, argv + 1);
	if (!strcmp(sub, "resolve"))
		return code_resolve(argc - 1, argv + 1);
	const char *near = nearest_name(sub, SUBS, sizeof SUBS / sizeof *SUBS);
	if (near)
		return usage_error("code", "'%s' is not a code subcommand; did you mean '%s'?", sub, near);
	return usage_error("code", "'%s' is not a code subcommand (codebook, sheet, import, export, agree, resolve, list); see zhengce code --help", sub);
}
