/*
 * cli.h - private to cli/: what the commands (cli/cmd_<name>.c) share, and the commands
 * themselves for main.c's dispatch.  Nothing outside cli/ includes it.
 *
 * A command is int cmd_NAME(int argc, char **argv): argv[0] is the command's name, the rest its
 * options (with --corpus DIR put first when given before the command); it returns the exit code
 * (docs/EXIT-CODES.md).  Commands print; the library returns errors (zc_strerror).
 */
#ifndef ZC_CLI_H
#define ZC_CLI_H

#include "zc.h"
#include "crawler.h"
#include "export.h"
#include "index.h"
#include "parser.h"
#include "select.h"

#include <getopt.h>
#include <stdio.h>

#define EXIT_USAGE 2
#define EXIT_LOCKED 75

/* ---- the commands ---- */
int cmd_crawl(int argc, char **argv);
int cmd_seeds(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export_like(const char *cmd, int argc, char **argv);	/* query, export, entries */
int cmd_why(int argc, char **argv);
int cmd_reselect(int argc, char **argv);
int cmd_renumber(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_words(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_code(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* the parser over an article's answer, for crawl and import (cmd_crawl.c; zc_article_fn) */
int on_article(void *arg, const zc_site *site, const char *url, const char *ctype, const char *body, size_t len,
	       zc_doc **doc);
/* after pages were stored by crawl, import or merge: the pair index merged and the profile
   applied; the selection's counts printed, or 1 after saying on stderr which step failed */
int select_stored(const char *cmd, zc_index *idx, const zc_profile *profile, int progress);

/* ---- where things are ---- */

/*
 * What crawl, import and merge write with (cli.c): the crawl's lock on the corpus, the seed file
 * (with_seeds) and --site resolved against it, the profile, the corpus open for writing.
 * writer_open() returns -1 when all is ready, else the exit code after saying why on stderr (75
 * another run holds the lock, 2 a refused profile or --site, 1 any other failure); what is the
 * work a refused profile leaves undone ("crawled").  writer_close() releases what it took.
 */
typedef struct writer {
	const char *corpus;
	char *seeds_path, *profile_path;
	char *only;		/* --site as seed hosts and codes, or NULL */
	zc_seeds seeds;
	zc_profile *profile;
	zc_index *idx;
	int lockfd;
} writer;
int writer_open(writer *w, const char *cmd, const char *what, const char *corpus, int with_seeds, const char *seeds_opt,
		const char *profile_opt, const char *site);
void writer_close(writer *w);

/* --corpus as given, else $ZHENGCE_CORPUS, else "corpus"; remembers which, for open_corpus */
const char *corpus_dir(const char *opt);
/* a data file: the option as given, else $env, else rel under the data directory; caller frees */
char *data_file(const char *opt, const char *env, const char *rel);
/* opens the corpus read-only; 0, or 1 after saying on stderr why not (no corpus, or an error) */
int open_corpus(const char *cmd, const char *corpus, zc_index **idx);

/* ---- options and usage errors ---- */

/* "zhengce CMD: message" on stderr; returns EXIT_USAGE */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * What getopt_long (optstring beginning with ':', opterr 0) refused, in one line naming the
 * option: unknown (with the nearest known one), or missing its value.  Returns EXIT_USAGE.
 */
int option_error(const char *cmd, int c, char **argv, const struct option *opts);
/* the name of names[] nearest to s, when near enough to be a slip (else NULL) */
const char *nearest_name(const char *s, const char *const *names, size_t n);
/* a list value cleaned in place: items split at , or ，, trimmed, empty ones dropped; returns v */
char *list_clean(char *v);
/*
 * --site: hosts, jurisdiction codes or province names, each matching some site of seeds, else
 * refused naming it.  Returns -1 with the list rewritten in *out (caller frees), or the exit code.
 */
int sites_resolve(const char *cmd, const char *only, const zc_seeds *seeds, const char *seeds_path, char **out);
/* --mirror ADDR:HTTP:HTTPS appended to *ct as two --connect-to mappings; ZC_EUSAGE when malformed */
int mirror_map(const char *arg, char ***ct, size_t *nct);
/* --connect-to (c 'x', appended to *ct) and --mirror (c 'M', mirror_map), as crawl and seeds take
   them: -1 when taken, else the usage error's exit code */
int connect_option(const char *cmd, int c, const char *arg, char ***ct, size_t *nct);

/*
 * Options of the simple commands, parsed the way every command parses them: each option sets
 * one string (target) or, with flag set, is a switch without a value (*flag = 1); -o is
 * --output; --help prints help; --progress and --quiet are taken (before the command too:
 * main.c passes a --corpus given there on as the command's first option).  An unknown option,
 * a missing value and more than npos arguments (npos < 0: any number) are refused in one line
 * naming them (option_error, usage_error).  The arguments are argv[optind..argc-1] after it.
 * Returns -1 when the command goes on, else its exit code (0 after --help, 2 for a usage error).
 * A new command with string options and switches needs nothing else.
 */
typedef struct cli_opt {
	const char *name;
	const char **target;
	int *flag;
} cli_opt;

int simple_options(const char *cmd, const char *help, int argc, char **argv, const cli_opt *o, size_t n,
		   int npos);
/*
 * --format's value v as one of the formats allowed ("table|csv|json": zc_format_parse's names,
 * in the order the error lists them; any case): -1 with *fmt set, else the usage error "--format
 * is table, csv or json, not V" returned.  v NULL leaves *fmt (the command's default) as it is.
 */
int format_option(const char *cmd, const char *v, const char *allowed, enum zc_format *fmt);
/* --by (province, region, year: zc_analysis_by_parse) and --top (how many WHAT, 1 or more) of
   analyze and words, each when given (else 0): -1, else the usage error naming the value */
int group_options(const char *cmd, const char *by_v, const char *top_v, const char *what, unsigned *by, long *top);
/* a number option's value: the whole of v a finite number >= min (and up to 1e15), in *out;
   -1, else the usage error ("zhengce CMD: --NAME wants a number, got V") returned */
int number_option(const char *cmd, const char *name, const char *v, double min, double *out);

/* ---- progress and output ---- */

/* --progress (1), --quiet (0) or neither (-1), given before or after the command */
extern int progress_opt;
/* whether to draw progress lines: as asked, else when stderr is a terminal that the output
   (to_stdout) does not go to */
int progress_wanted(int to_stdout);
/* a progress line (zc_progress) drawn in place on stderr, when on */
zc_progress cli_progress(int on);
/* the selection's counts, as crawl and reselect print them */
void print_selection(const zc_select_stats *st, FILE *out);

/*
 * An output file (-o) is written as NAME.part-PID beside it (part_name, caller frees) and
 * renamed over NAME once whole and on disk (part_finish, which closes f and, on failure, removes
 * the part and says why on stderr; returns rc or the error of the close/rename).
 */
char *part_name(const char *out);
int part_finish(const char *cmd, FILE *f, const char *part, const char *out, int rc);
/* An output: to standard output when out is NULL or "-", else to the file out (through its part,
   part_finish, then "wrote OUT" on stdout); write(f, arg) writes it and returns ZC_OK or the
   error.  Returns the exit code: 0, or 1 after saying why on stderr. */
int write_output(const char *cmd, const char *out, int (*write)(FILE *f, void *arg), void *arg);
/* a CSV cell as exports write it, then "," or (last) CRLF */
void csv_cell(FILE *f, const char *s, int last);

/* the counts, and for the report the profile and crawl date, from one snapshot (cmd_stats.c) */
typedef struct count_ctx {
	zc_stats *s;
	char *profile, *crawled;
} count_ctx;

int count_txn(zc_txn *t, void *arg);

/* crawl_view.c: the crawl's progress drawn on stderr and its notes printed there. */
typedef struct crawl_view {
	int lines;	/* lines of the progress display now on the terminal */
} crawl_view;
size_t crawl_view_hosts(void);
void crawl_view_progress(const zc_crawl_progress *p, void *arg);
void crawl_view_note(const char *msg, void *arg);

#endif
