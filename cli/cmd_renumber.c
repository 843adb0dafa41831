/*
 * cmd_renumber.c - renumber: every file code given afresh in chronological order
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
			csv_cell(m->f, zc_jstr(row, cols[c]), c == 3);
	if (fflush(m->f) != 0 || fsync(fileno(m->f)) != 0 || ferror(m->f))
		return zc_write_error(errno);
	return ZC_OK;
}

/* the corpus opened for writing under the crawl's lock, once it has a selection and no codings
   that renumbering would orphan (unless force); -1 when ready, else the exit code */
static int renumber_open(const char *corpus, int force, int *lockfd, zc_index **idx, uint64_t *codings)
{
	long holder;
	zc_select_stats prev;
	/* only crawl makes a corpus: a mistyped --corpus is an error, not a new empty directory */
	if (open_corpus("renumber", corpus, idx))
		return 1;
	zc_index_close(idx);	/* read-only: opened again to write, under the lock */
	int rc = zc_index_lock_crawl(corpus, lockfd, &holder);
	if (rc == ZC_ELOCKED) {
		fprintf(stderr, "zhengce renumber: a crawl (pid %ld) is running on %s; try again when it ends\n", holder, corpus);
		return EXIT_LOCKED;
	}
	if (rc != ZC_OK) {
		fprintf(stderr, "zhengce renumber: cannot take the lock in %s: %s\n", corpus, zc_strerror(rc));
		return 1;
	}
	if ((rc = zc_index_open(corpus, 0, idx)) != ZC_OK) {
		fprintf(stderr, "zhengce renumber: cannot open the corpus in %s: %s\n", corpus, zc_strerror(rc));
		return 1;
	}
	if (zc_select_published(*idx, &prev) != ZC_OK) {
		fprintf(stderr, "zhengce renumber: nothing is selected in %s yet; run 'zhengce crawl' first\n", corpus);
		return 1;
	}
	if ((rc = zc_index_named_entries(*idx, "codings", codings)) != ZC_OK) {
		fprintf(stderr, "zhengce renumber: cannot read the coding table: %s\n", zc_strerror(rc));
		return 1;
	}
	if (*codings && !force) {
		fprintf(stderr, "zhengce renumber: the coding table holds %llu coding%s made under the present codes; "
				"renumbering would leave them pointing at other documents: nothing changed (--force "
				"renumbers all the same)\n", (unsigned long long)*codings, *codings == 1 ? "" : "s");
		return 1;
	}
	return -1;
}

/* the codes given anew and the map written beside (its part renamed once the codes changed) */
static int renumber_run(zc_index *idx, map_ctx *m, uint64_t codings)
{
	size_t documents = 0, changed = 0;
	m->part = part_name(m->path);
	int rc = zc_select_renumber(idx, write_map, m, &documents, &changed);
	if (m->f && fclose(m->f) != 0 && rc == ZC_OK)
		rc = zc_write_error(errno);	/* the commit happened: say so below */
	m->f = NULL;
	if (rc != ZC_OK) {
		unlink(m->part);
		fprintf(stderr, "zhengce renumber: %s; no code changed\n", zc_strerror(rc));
		return 1;
	}
	if (rename(m->part, m->path) != 0) {
		fprintf(stderr, "zhengce renumber: the codes changed, but the map could not be named %s (%s): it is in %s\n",
			m->path, strerror(errno), m->part);
		return 1;
	}
	printf("renumbered %zu documents: %zu codes changed or went; the old -> new map is in %s\n", documents, changed,
	       m->path);
	if (codings)
		printf("the %llu codings in the coding table still use the old codes: map them with %s\n",
		       (unsigned long long)codings, m->path);
	return 0;
}

int cmd_renumber(int argc, char **argv)
{
	const char *corpus = NULL, *map = NULL;
	int force = 0;
	const cli_opt opts[] = {{"corpus", &corpus, NULL}, {"map", &map, NULL}, {"force", NULL, &force}};
	int ret = simple_options("renumber", RENUMBER_HELP, argc, argv, opts, sizeof opts / sizeof *opts, 0);
	if (ret >= 0)
		return ret;
	if (!map)
		return usage_error("renumber", "give the file for the old -> new map: --map FILE.csv");
	map_ctx m = {map, NULL, NULL};
	zc_index *idx = NULL;
	int lockfd = -1;
	uint64_t codings = 0;
	ret = renumber_open(corpus_dir(corpus), force, &lockfd, &idx, &codings);
	if (ret < 0)
		ret = renumber_run(idx, &m, codings);
	if (m.f)
		fclose(m.f);
	free(m.part);
	zc_index_close(&idx);
	zc_index_unlock_crawl(&lockfd);
	return ret;
}
