/*
 * cmd_seeds.c - seeds check: the seed file loaded as a crawl does, and with --fetch each endpoint asked once
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

static const struct option SEEDS_OPTS[] = {
	{"seeds", 1, 0, 's'}, {"site", 1, 0, 'S'}, {"fetch", 0, 0, 'f'}, {"profile", 1, 0, 'P'}, {"cookies", 1, 0, 'k'},
	{"cacert", 1, 0, 'A'}, {"connect-to", 1, 0, 'x'}, {"mirror", 1, 0, 'M'}, {"timeout", 1, 0, 'T'},
	{"help", 0, 0, 'h'}, {0, 0, 0, 0}};

/* what seeds check was asked */
typedef struct seeds_args {
	zc_crawl_opts o;
	const char *seeds_opt, *profile_opt;
	char **ct;	/* --connect-to and --mirror's mappings */
	size_t nct;
	int fetch;
} seeds_args;

/* one option: -1 when taken, else the exit code (0 after --help) */
static int seeds_option(seeds_args *a, int c, char **argv)
{
	char *end = NULL;
	switch (c) {
	case 's': a->seeds_opt = optarg; break;
	case 'S': a->o.only = optarg; break;
	case 'f': a->fetch = 1; break;
	case 'P': a->profile_opt = optarg; break;
	case 'k': a->o.cookies = optarg; break;
	case 'A': a->o.cacert = optarg; break;
	case 'T':
		a->o.timeout = strtol(optarg, &end, 10);
		if (*end || end == optarg || a->o.timeout < 1)
			return usage_error("seeds", "--timeout wants a whole number of seconds >= 1, not %s", optarg);
		break;
	case 'x':
	case 'M': return connect_option("seeds", c, optarg, &a->ct, &a->nct);
	case 'h': fputs(SEEDS_HELP, stdout); return 0;
	default: return option_error("seeds", c, argv, SEEDS_OPTS);
	}
	return -1;
}

/* "seeds check" and its options: -1 when the check goes on, else the exit code */
static int seeds_options(int argc, char **argv, seeds_args *a)
{
	memset(a, 0, sizeof *a);
	a->o.timeout = 30;
	a->o.max_body = 16u << 20;
	if (argc < 2 || strcmp(argv[1], "check")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(SEEDS_HELP, stdout);
			return 0;
		}
		if (argc >= 2 && argv[1][0] == '-')
			return usage_error("seeds", "unknown option %s; the command is zhengce seeds check [OPTIONS]", argv[1]);
		return usage_error("seeds", "the only seeds command is check: zhengce seeds check [--site S] [--fetch]");
	}
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	int c, ret = -1;
	while (ret < 0 && (c = getopt_long(argc, argv, ":h", SEEDS_OPTS, NULL)) != -1)
		ret = seeds_option(a, c, argv);
	if (ret < 0 && optind < argc)
		ret = usage_error("seeds", "unexpected argument %s", argv[optind]);
	return ret;
}

/* each endpoint of the selected sites asked once, a line each; returns how many failed */
static size_t seeds_probe_all(const zc_seeds *seeds, const zc_crawl_opts *o, const char *kw)
{
	size_t failed = 0;
	for (size_t i = 0; i < seeds->n; i++) {
		const zc_site *s = &seeds->sites[i];
		if (!zc_crawl_site_selected(o->only, s))
			continue;
		for (size_t k = 0; k < s->n_search + s->n_lists; k++) {
			int is_search = k < s->n_search;
			const zc_endpoint *ep = is_search ? &s->search[k] : &s->lists[k - s->n_search];
			zc_links l;
			char *why = NULL;
			int rc = zc_seeds_probe(ep, is_search ? kw : NULL, o, &l, &why);
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
				       is_search && kw ? kw : "");
			}
			if (rc == ZC_OK)
				zc_links_free(&l);
			free(why);
		}
	}
	return failed;
}

/* the seed file checked, and with --fetch its endpoints asked; returns the exit code */
static int seeds_check(seeds_args *a, zc_seeds *seeds, char **only, zc_profile **profile, char **err)
{
	char *seeds_path = data_file(a->seeds_opt, "ZHENGCE_SEEDS", "seeds/sites.json");
	int ret = 1;
	if (zc_seeds_load(seeds_path, seeds, err) != ZC_OK) {
		fprintf(stderr, "zhengce seeds: bad seed file: %s\n", *err);
		goto out;
	}
	if (a->o.only && (ret = sites_resolve("seeds", a->o.only, seeds, seeds_path, only)) >= 0)
		goto out;
	ret = 1;
	a->o.only = *only;
	size_t n_sites = 0, n_eps = 0;
	for (size_t i = 0; i < seeds->n; i++)
		if (zc_crawl_site_selected(a->o.only, &seeds->sites[i])) {
			n_sites++;
			n_eps += seeds->sites[i].n_search + seeds->sites[i].n_lists;
		}
	if (a->o.only && !n_sites) {
		fprintf(stderr, "zhengce seeds: no site of %s is %s\n", seeds_path, a->o.only);
		goto out;
	}
	printf("%s: %zu sites, %zu endpoints: valid\n", seeds_path, n_sites, n_eps);
	ret = 0;
	if (!a->fetch)
		goto out;
	char *profile_path = data_file(a->profile_opt, "ZHENGCE_PROFILE", "profiles/reference.json");
	int prc = zc_profile_load(profile_path, profile, err);
	free(profile_path);
	if (prc != ZC_OK) {
		fprintf(stderr, "zhengce seeds: bad profile: %s\n", *err);
		ret = 1;
		goto out;
	}
	size_t nkw = 0;
	const char *const *kws = zc_profile_search(*profile, &nkw);
	char ua[128];
	snprintf(ua, sizeof ua, "zhengce/%s (+https://github.com/zhengce)", ZC_VERSION);
	a->o.user_agent = ua;
	a->o.connect_to = a->ct;
	a->o.n_connect_to = a->nct;
	size_t failed = seeds_probe_all(seeds, &a->o, nkw ? kws[0] : NULL);
	if (failed)
		fprintf(stderr, "zhengce seeds: %zu of %zu endpoints failed\n", failed, n_eps);
	ret = failed ? 1 : 0;
out:
	free(seeds_path);
	return ret;
}

int cmd_seeds(int argc, char **argv)
{
	seeds_args a;
	int ret = seeds_options(argc, argv, &a);
	if (ret < 0) {
		zc_seeds seeds = {0};
		zc_profile *profile = NULL;
		char *err = NULL, *only = NULL;
		ret = seeds_check(&a, &seeds, &only, &profile, &err);
		zc_seeds_free(&seeds);
		zc_profile_free(&profile);
		free(err);
		free(only);
	}
	for (size_t i = 0; i < a.nct; i++)
		free(a.ct[i]);
	free(a.ct);
	return ret;
}
