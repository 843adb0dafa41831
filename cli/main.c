/*
 * main.c - the zhengce command: the common options, the dispatch to cli/cmd_<name>.c and the
 * main help.  What a command does lives in the modules (crawler/, parser/, select/, index/, export/).
 *
 * Exit codes (docs/EXIT-CODES.md): 0 success; 1 failure; 2 usage; 75 another crawl holds the
 * lock (EX_TEMPFAIL: cron tries again later); 128 + the signal for a crawl SIGINT or SIGTERM stopped.
 */
#include "cli.h"

#include <curl/curl.h>
#include <errno.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the general help, around the list of commands that COMMANDS gives */
static const char HELP_HEAD[] =
	"usage: zhengce [--corpus DIR] COMMAND [OPTIONS]\n"
	"       zhengce help COMMAND\n"
	"\n"
	"Builds a research corpus of Chinese government policy documents: searches the central\n"
	"government, the National Health Commission and the 31 provincial governments and health\n"
	"commissions by keyword, applies the study's inclusion criteria and deduplication, and keeps\n"
	"the corpus with province and year in LMDB.\n"
	"\n"
	"commands:\n";

static const char HELP_TAIL[] =
	"\n"
	"common options (before the command or after it):\n"
	"  --corpus DIR   the corpus directory (default $ZHENGCE_CORPUS, else ./corpus)\n"
	"  --progress     a progress line on stderr for long work (default: on a terminal); --quiet: none\n"
	"  -h, --help     help for a command: zhengce COMMAND --help, or zhengce help COMMAND\n"
	"  --version      print the version\n"
	"\n"
	"exit codes: 0 ok, 1 failure, 2 usage, 75 another crawl holds the lock, 130/143 crawl stopped\n"
	"by SIGINT/SIGTERM (nothing selected; the next crawl resumes).\n"
	"See man zhengce(1) and docs/ for formats.\n";

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

static int cmd_query(int argc, char **argv)
{
	return cmd_export_like("query", argc, argv);
}

static int cmd_export(int argc, char **argv)
{
	return cmd_export_like("export", argc, argv);
}

static int cmd_entries(int argc, char **argv)
{
	return cmd_export_like("entries", argc, argv);
}

/*
 * The commands: a new one is a cmd_<name>.c and a line here, which puts it in the help (and so
 * in the tests that read the list from `zhengce help`) and in the dispatch.  `flags`: CMD_SUB, the
 * first argument is a subcommand (seeds check), kept before a --corpus given ahead of the
 * command; CMD_NOCORPUS, the command reads no corpus and a --corpus before it is not passed on
 * (a shell alias `zhengce --corpus DIR` serves every command).
 */
enum { CMD_SUB = 1, CMD_NOCORPUS = 2 };

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	int flags;
	const char *summary;
} command;

static const command COMMANDS[] = {
	{"crawl", cmd_crawl, 0, "search every site for every keyword, fetch what is new, select (for cron)"},
	{"import", cmd_import, 0, "documents from WARC files of any archiving crawler (wget, Heritrix, a browser)"},
	{"merge", cmd_merge, 0, "corpora (shards of a crawl split by site) into one, selected once"},
	{"stats", cmd_stats, 0, "documents and entries by province and year"},
	{"query", cmd_query, 0, "documents by province, year, issuer, type or keyword"},
	{"export", cmd_export, 0, "the corpus as CSV (opens in Excel), JSONL, XLSX or text files"},
	{"entries", cmd_entries, 0, "the coded entries (00-29-6-2), one row each"},
	{"why", cmd_why, 0, "why documents (URLs or codes, entries' too) were included or excluded"},
	{"reselect", cmd_reselect, 0, "apply a (changed) profile to the stored documents, no crawling"},
	{"renumber", cmd_renumber, 0, "give every file code afresh in chronological order (before coding starts)"},
	{"parse", cmd_parse, CMD_NOCORPUS, "parse one saved page and print the document as JSON"},
	{"report", cmd_report, 0, "the paper's figures and tables in one HTML file (--figures DIR: SVG files)"},
	{"words", cmd_words, 0, "word frequencies of the entries by Chinese word segmentation"},
	{"analyze", cmd_analyze, 0, "the final codes counted by category, code, province, region and year; the network"},
	{"trace", cmd_trace, 0, "the entries behind a count of analyze"},
	{"check", cmd_check, 0, "verify the corpus: indexes, entries and WARC records"},
	{"seeds", cmd_seeds, CMD_SUB | CMD_NOCORPUS, "check the seed file (and, with --fetch, each site's first search and list page)"},
	{"code", cmd_code, CMD_SUB, "code the entries: codebook, coders' sheets, import, agreement (zhengce code --help)"},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof *COMMANDS)

static void main_help(FILE *f)
{
	fputs(HELP_HEAD, f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
	fputs(HELP_TAIL, f);
}

static const command *find_command(const char *s)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(s, COMMANDS[i].name))
			return &COMMANDS[i];
	return NULL;
}

static int not_a_command(const char *s)
{
	const char *names[NCOMMANDS];
	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = COMMANDS[i].name;
	const char *near = nearest_name(s, names, NCOMMANDS);
	if (near)
		fprintf(stderr, "zhengce: '%s' is not a command; did you mean '%s'?\n", s, near);
	else
		fprintf(stderr, "zhengce: '%s' is not a command; see 'zhengce --help'\n", s);
	return EXIT_USAGE;
}

/* the common options before the command, as git and curl take them: --corpus DIR goes to the
   command (its own --corpus, after it, wins), --progress and --quiet hold for all; returns the
   index of the command, or -1 after a usage error */
static int global_options(int argc, char **argv, const char **corpus)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--corpus")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "zhengce: --corpus wants a value\n");
				return -1;
			}
			*corpus = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--corpus=", 9)) {
			*corpus = argv[i++] + 9;
		} else if (!strcmp(argv[i], "--progress") || !strcmp(argv[i], "--quiet")) {
			progress_opt = !strcmp(argv[i++], "--progress");
		} else {
			break;
		}
	}
	return i;
}

/* zhengce help [COMMAND], --help, -h: the overview, or the command's own help as git's */
static int help(int argc, char **argv, int i)
{
	const char *cmd = argv[i];
	if (i + 1 >= argc || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(argv[i + 1], "help")) {
		main_help(stdout);
		return 0;
	}
	if (i + 2 < argc) {
		fprintf(stderr, "zhengce help: unexpected argument %s\n", argv[i + 2]);
		return EXIT_USAGE;
	}
	const command *c = find_command(argv[i + 1]);
	if (!c)
		return not_a_command(argv[i + 1]);
	char *hv[] = {argv[i + 1], "--help", NULL};
	return c->run(2, hv);
}

/* the command run with its arguments: [command, (its subcommand), --corpus DIR, the rest] */
static int run_command(const command *c, int argc, char **argv, int i, const char *corpus)
{
	int skip = (c->flags & CMD_SUB) && i + 1 < argc && argv[i + 1][0] != '-' ? 2 : 1;
	char **av = zc_calloc((size_t)(argc - i + 3), sizeof *av);
	int ac = 0;
	for (int k = 0; k < skip; k++)
		av[ac++] = argv[i + k];
	if (corpus && !(c->flags & CMD_NOCORPUS)) {
		av[ac++] = "--corpus";
		av[ac++] = (char *)corpus;
	}
	for (int k = i + skip; k < argc; k++)
		av[ac++] = argv[k];
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	int ret = c->run(ac, av);
	/* what went to stdout is the result (a table, a CSV): a full disk or a closed pipe there is a
	   failure, never exit 0 with the output cut short */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;
		fprintf(stderr, "zhengce %s: cannot write the output: %s\n", argv[i],
			e ? zc_strerror(zc_write_error(e)) : "write error");
		if (ret == 0)
			ret = 1;
	}
	xmlCleanupParser();
	curl_global_cleanup();
	free(av);
	return ret;
}

int main(int argc, char **argv)
{
	const char *corpus = NULL;
	int i = global_options(argc, argv, &corpus);
	if (i < 0)
		return EXIT_USAGE;
	if (i >= argc) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[i];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return help(argc, argv, i);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("zhengce %s (%s, libxml2 %s)\n", ZC_VERSION, curl_version(), LIBXML_DOTTED_VERSION);
		return 0;
	}
	if (cmd[0] == '-') {
		fprintf(stderr, "zhengce: unknown option %s before the command; see 'zhengce --help'\n", cmd);
		return EXIT_USAGE;
	}
	const command *c = find_command(cmd);
	if (!c)
		return not_a_command(cmd);
	return run_command(c, argc, argv, i, corpus);
}
