/*
 * merge.c - corpora into one (zhengce merge): the shards of a crawl split by site, or corpora
 * of several machines.  Pages come over as their records (never re-parsed), with their fetch
 * states and the WARC files they name; selection is the caller's, once, over all of them, so
 * that codes are those one complete crawl of every site would give (select/finalize.c orders
 * new codes by the documents alone, never by page ids or arrival).
 */
#include "crawler.h"
#include "../common/zc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 64

/* a page of the source and its fetch state, and what merging it did */
typedef struct item {
	zc_page page;
	zc_fetch fetch;		/* when has_fetch */
	int has_fetch;
	int result;		/* 0 unchanged, 1 older, 2 stored, 3 stored new */
} item;

/* a fetch state of a URL without a page */
typedef struct url_fetch {
	char *url;
	zc_fetch fetch;
} url_fetch;

/* a site's unfinished-crawl report (zc_tx_site_problems_each), held between the source's read
   and the corpus's write */
typedef struct site_problem {
	char *host, *when, *problem, *imported;
} site_problem;

typedef struct merger {
	zc_index *dst, *src;
	const char *dir, *src_dir;
	zc_merge_summary *sum;
	json_t *files;		/* WARC file names already in dir/warc, checked */
	item items[CHUNK];	/* one chunk */
	size_t n_items;
	url_fetch *fetch_only;	/* URLs without a page */
	size_t n_fetch_only, cap_fetch_only;
	site_problem *problems;	/* the source's reports */
	size_t n_problems, cap_problems;
	uint64_t next, max;
	zc_txn *t;		/* the source's read transaction */
	char *err;
} merger;

/* ---- WARC files ---- */

static int same_bytes(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;
	char x[65536], y[65536];
	while (same) {
		size_t na = fread(x, 1, sizeof x, fa), nb = fread(y, 1, sizeof y, fb);
		if (na != nb || memcmp(x, y, na))
			same = 0;
		if (!na)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

static int copy_file(const char *from, const char *to)
{
	char *part = zc_asprintf("%s.part-%ld", to, (long)getpid());
	FILE *in = fopen(from, "rb"), *out = in ? fopen(part, "wb") : NULL;
	int rc = in && out ? ZC_OK : zc_write_error(errno);
	char buf[65536];
	size_t n;
	while (rc == ZC_OK && (n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = zc_write_error(errno);
	if (rc == ZC_OK && in && ferror(in))
		rc = ZC_EIO;
	if (out && (fflush(out) != 0 || fsync(fileno(out)) != 0) && rc == ZC_OK)
		rc = zc_write_error(errno);
	if (out && fclose(out) != 0 && rc == ZC_OK)
		rc = zc_write_error(errno);
	if (in)
		fclose(in);
	if (rc == ZC_OK && rename(part, to) != 0)
		rc = zc_write_error(errno);
	if (rc != ZC_OK)
		unlink(part);
	free(part);
	return rc;
}

/* the source's WARC file name in dir/warc: linked (else copied) there and its directory synced
   before any page naming it is committed */
static int bring_file(merger *m, const char *name)
{
	if (!*name || strchr(name, '/') || json_object_get(m->files, name))
		return ZC_OK;	/* none, an imported file named by its own path, or done */
	char *from = zc_asprintf("%s/warc/%s", m->src_dir, name), *wdir = zc_asprintf("%s/warc", m->dir);
	char *to = zc_asprintf("%s/%s", wdir, name);
	int rc = ZC_OK;
	if (mkdir(wdir, 0755) != 0 && errno != EEXIST)
		rc = zc_write_error(errno);
	struct stat a, b;
	if (rc == ZC_OK && stat(from, &a) != 0) {
		m->err = zc_asprintf("%s: %s (a page of %s names it)", from, strerror(errno), m->src_dir);
		rc = ZC_ENOTFOUND;
	} else if (rc == ZC_OK && stat(to, &b) == 0) {
		if ((a.st_dev != b.st_dev || a.st_ino != b.st_ino) && !same_bytes(from, to)) {
			m->err = zc_asprintf("%s and %s have the same name and other contents; nothing of %s merged after it", from,
					     to, m->src_dir);
			rc = ZC_EUSAGE;
		}
	} else if (rc == ZC_OK) {
		if (link(from, to) != 0)
			rc = errno == EXDEV || errno == EPERM ? copy_file(from, to) : zc_write_error(errno);
		if (rc == ZC_OK) {
			int dfd = open(wdir, O_RDONLY | O_DIRECTORY);
			if (dfd < 0 || fsync(dfd) != 0)
				rc = zc_write_error(errno);
			if (dfd >= 0)
				close(dfd);
		}
		if (rc == ZC_OK)
			m->sum->warc_files++;
		else if (!m->err)
			m->err = zc_asprintf("cannot bring %s into %s: %s", from, wdir, zc_strerror(rc));
	}
	if (rc == ZC_OK)
		json_object_set_new(m->files, name, json_true());
	free(from);
	free(wdir);
	free(to);
	return rc;
}

/* ---- pages ---- */

static void items_clear(merger *m)
{
	for (size_t i = 0; i < m->n_items; i++) {
		zc_page_clear(&m->items[i].page);
		zc_fetch_clear(&m->items[i].fetch);
	}
	m->n_items = 0;
}

static int read_chunk(zc_txn *t, void *arg)
{
	merger *m = arg;
	items_clear(m);
	if (!m->max)
		m->max = zc_tx_page_max(t);
	for (; m->next <= m->max && m->n_items < CHUNK; m->next++) {
		item *it = &m->items[m->n_items];
		if (zc_tx_page_record(t, m->next, &it->page) != ZC_OK)
			continue;
		m->n_items++;
		it->result = 0;
		int rc = zc_tx_fetch_get(t, it->page.url, &it->fetch);
		if (rc != ZC_OK && rc != ZC_ENOTFOUND && rc != ZC_EPARSE)
			return rc;
		it->has_fetch = rc == ZC_OK;
		zc_index_trim(m->src);
	}
	return ZC_OK;
}

static int write_chunk(zc_txn *t, void *arg)
{
	merger *m = arg;
	int rc = ZC_OK;
	for (size_t i = 0; i < m->n_items; i++) {
		item *it = &m->items[i];
		const zc_page *page = &it->page;
		const char *url = page->url;
		zc_fetch old;
		rc = zc_tx_fetch_get(t, url, &old);
		if (rc != ZC_OK && rc != ZC_ENOTFOUND && rc != ZC_EPARSE) {
			zc_fetch_clear(&old);
			break;
		}
		int has_old = rc == ZC_OK;
		rc = ZC_OK;
		uint64_t id;
		int known = zc_tx_page_id(t, url, &id) == ZC_OK;
		if (known && has_old && !strcmp(old.digest, page->digest))
			it->result = 0;
		else if (known && strcmp(old.fetched_at, page->fetched_at) > 0)
			it->result = 1;
		else
			it->result = 2;
		zc_fetch_clear(&old);
		if (it->result == 2) {
			int is_new;
			rc = zc_tx_page_store(t, url, page, &id, &is_new);
			if (rc == ZC_OK && it->has_fetch)
				rc = zc_tx_fetch_put(t, url, &it->fetch);
			it->result = is_new ? 3 : 2;
		}
		if (rc != ZC_OK)
			break;
		zc_index_trim(m->dst);
	}
	return rc;
}

static void fetch_only_clear(merger *m)
{
	for (size_t i = 0; i < m->n_fetch_only; i++) {
		free(m->fetch_only[i].url);
		zc_fetch_clear(&m->fetch_only[i].fetch);
	}
	m->n_fetch_only = 0;
}

/* the fetch states of URLs without a page (those of pages came with them) */
static int fetch_only(const char *url, const zc_fetch *fetch, void *arg)
{
	merger *m = arg;
	uint64_t id;
	if (zc_tx_page_id(m->t, url, &id) == ZC_OK)
		return 0;
	if (m->n_fetch_only == m->cap_fetch_only) {
		m->cap_fetch_only = m->cap_fetch_only ? 2 * m->cap_fetch_only : 64;
		m->fetch_only = zc_realloc(m->fetch_only, m->cap_fetch_only * sizeof *m->fetch_only);
	}
	url_fetch *u = &m->fetch_only[m->n_fetch_only++];
	u->url = zc_strdup(url);
	zc_fetch_share(&u->fetch, fetch);
	return 0;
}

static int fetch_only_txn(zc_txn *t, void *arg)
{
	merger *m = arg;
	m->t = t;
	return zc_tx_fetch_each(t, fetch_only, m);
}

static int fetch_write_txn(zc_txn *t, void *arg)
{
	merger *m = arg;
	int rc = ZC_OK;
	for (size_t i = 0; i < m->n_fetch_only; i++) {
		const url_fetch *u = &m->fetch_only[i];
		zc_fetch old;
		int newer = zc_tx_fetch_get(t, u->url, &old) == ZC_OK && strcmp(old.fetched_at, u->fetch.fetched_at) >= 0;
		zc_fetch_clear(&old);
		if (newer)
			continue;
		if ((rc = zc_tx_fetch_put(t, u->url, &u->fetch)) != ZC_OK)
			break;
		m->sum->fetch_states++;
	}
	return rc;
}

static int problem_of(const char *host, const char *when, const char *problem, const char *imported, void *arg)
{
	merger *m = arg;
	if (m->n_problems == m->cap_problems) {
		m->cap_problems = m->cap_problems ? 2 * m->cap_problems : 16;
		m->problems = zc_realloc(m->problems, m->cap_problems * sizeof *m->problems);
	}
	m->problems[m->n_problems++] =
		(site_problem){zc_strdup(host), zc_strdup(when), zc_strdup(problem), zc_strdup(imported)};
	return 0;
}

static void problems_clear(merger *m)
{
	for (size_t i = 0; i < m->n_problems; i++) {
		site_problem *p = &m->problems[i];
		free(p->host);
		free(p->when);
		free(p->problem);
		free(p->imported);
	}
	m->n_problems = 0;
}

static int problems_txn(zc_txn *t, void *arg)
{
	merger *m = arg;
	problems_clear(m);
	return zc_tx_site_problems_each(t, problem_of, m);
}

/* a site's report carried over where the corpus has none newer */
typedef struct has_problem {
	const char *host;
	char when[32];
} has_problem;

static int find_problem(const char *host, const char *when, const char *problem, const char *imported, void *arg)
{
	(void)problem;
	(void)imported;
	has_problem *h = arg;
	if (!strcmp(host, h->host))
		snprintf(h->when, sizeof h->when, "%s", when);
	return 0;
}

static int problems_write_txn(zc_txn *t, void *arg)
{
	merger *m = arg;
	int rc = ZC_OK;
	for (size_t i = 0; i < m->n_problems; i++) {
		const site_problem *p = &m->problems[i];
		has_problem h = {p->host, ""};
		if ((rc = zc_tx_site_problems_each(t, find_problem, &h)) != ZC_OK)
			break;
		if (h.when[0] && strcmp(h.when, p->when) >= 0)
			continue;
		rc = zc_tx_site_problem_put(t, p->host, p->when, p->problem);
		if (rc == ZC_OK && *p->imported)
			rc = zc_tx_site_imported_put(t, p->host, p->imported);
		if (rc != ZC_OK)
			break;
		m->sum->problems++;
	}
	return rc;
}

static int merge_one(merger *m)
{
	int rc = zc_index_open(m->src_dir, ZC_INDEX_RDONLY, &m->src);
	if (rc != ZC_OK) {
		m->err = zc_asprintf("cannot open the corpus in %s: %s", m->src_dir, zc_strerror(rc));
		return rc;
	}
	m->next = 1;
	m->max = 0;
	while (rc == ZC_OK) {
		if ((rc = zc_index_read(m->src, read_chunk, m)) != ZC_OK || !m->n_items)
			break;
		for (size_t i = 0; i < m->n_items && rc == ZC_OK; i++)
			rc = bring_file(m, m->items[i].page.warc.file);
		if (rc == ZC_OK && (rc = zc_index_write(m->dst, write_chunk, m)) != ZC_OK)
			m->err = zc_asprintf("cannot write the corpus in %s: %s", m->dir, zc_strerror(rc));
		for (size_t i = 0; i < m->n_items; i++) {
			m->sum->pages++;
			switch (m->items[i].result) {
			case 0: m->sum->unchanged++; break;
			case 1: m->sum->older++; break;
			case 2: m->sum->changed++; break;
			default: m->sum->added++; break;
			}
		}
	}
	items_clear(m);
	fetch_only_clear(m);
	if (rc == ZC_OK && (rc = zc_index_read(m->src, fetch_only_txn, m)) == ZC_OK)
		rc = zc_index_write(m->dst, fetch_write_txn, m);
	if (rc == ZC_OK && (rc = zc_index_read(m->src, problems_txn, m)) == ZC_OK)
		rc = zc_index_write(m->dst, problems_write_txn, m);
	if (rc != ZC_OK && !m->err)
		m->err = zc_asprintf("merging %s: %s", m->src_dir, zc_strerror(rc));
	items_clear(m);
	zc_index_close(&m->src);
	return rc;
}

int zc_merge_run(zc_index *idx, const char *dir, const char *const *srcs, size_t n, struct zc_progress *prog,
		 zc_merge_summary *sum, char **err)
{
	memset(sum, 0, sizeof *sum);
	*err = NULL;
	merger m = {.dst = idx, .dir = dir, .sum = sum};
	m.files = json_object();
	int rc = ZC_OK;
	for (size_t i = 0; i < n && rc == ZC_OK; i++) {
		m.src_dir = srcs[i];
		zc_progress_show(prog, "merge: %s (%zu of %zu)", srcs[i], i + 1, n);
		rc = merge_one(&m);
	}
	zc_progress_end(prog);
	*err = m.err;
	json_decref(m.files);
	fetch_only_clear(&m);
	free(m.fetch_only);
	problems_clear(&m);
	free(m.problems);
	return rc;
}
