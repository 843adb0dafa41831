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
