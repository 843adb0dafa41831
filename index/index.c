/* index.c - the LMDB environment, its tables and transactions (see index.h). */
#define _GNU_SOURCE	/* memmem */
#include "index.h"
#include "record.h"
#include "../common/zc.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const TABLE_NAMES[ZC_T_COUNT] = {
	"meta", "pages", "urls", "fetch", "frontier", "seen", "dupkey", "abolished", "jy",
	"filecode", "entries", "postings", "decisions", "near", "pairq", "codings",
};

/* Tables rebuilt by every selection exist twice: generation 0 under the names above,
   generation 1 under NAME.1; meta "generation" says which one readers see.  A selection
   writes the other one in as many transactions as it needs and publishes it in one. */
static int rebuilt(int tb)
{
	return tb == ZC_T_DECISIONS || tb == ZC_T_DUPKEY || tb == ZC_T_ABOLISHED || tb == ZC_T_JY ||
	       tb == ZC_T_ENTRIES || tb == ZC_T_NEAR;
}

struct zc_index {
	MDB_env *env;
	MDB_dbi dbi[ZC_T_COUNT];
	MDB_dbi dbi1[ZC_T_COUNT];	/* generation 1 of the rebuilt tables */
	int have1;			/* generation 1 exists (a read-only open of an older corpus: no) */
	int have_pairq;			/* likewise for the queue of character pairs */
	int have_postings;		/* likewise for the character-pair index (schema 4) */
	int have_codings;		/* likewise for the coding table */
	MDB_dbi grams;			/* schema 3's character-pair index, while it lasts */
	int have_grams;
	void *map;			/* where data.mdb is mapped (found by zc_index_trim) */
	size_t map_len;
	size_t map_for;			/* the map size it was found for */
	size_t psize;			/* LMDB's page size */
	unsigned reads;			/* read transactions, or records of a walk, since the last trim */
	int statm;			/* /proc/self/statm, or -1 */
	long file_base;			/* file pages resident after the last drop, or -1 */
	long os_page;			/* the system's page size */
	char *dir;
	unsigned flags;
	size_t mapsize;
	int sys_errno;			/* the errno of the last write transaction that failed, or 0 */
};

struct zc_txn {
	zc_index *idx;
	MDB_txn *txn;
	int gen;	/* the published generation */
	int staging;	/* rebuilt tables resolve to the other generation */
	int pages_put;	/* a page record was written: meta pages_rev moves at commit */
};

static MDB_dbi dbi(const zc_txn *t, int tb)
{
	if (rebuilt(tb) && (t->gen ^ t->staging) && t->idx->have1)
		return t->idx->dbi1[tb];
	return t->idx->dbi[tb];
}

static void read_generation(zc_txn *t)
{
	MDB_val k = {10, "generation"}, v;
	t->gen = mdb_get(t->txn, dbi(t, ZC_T_META), &k, &v) == 0 && v.mv_size == 1 && *(char *)v.mv_data == '1';
}

#define INITIAL_MAP ((size_t)1 << 30)
/* Short read transactions (a crawl's frontier peeks, fetch states), or records of a walk,
   between two looks at the mapped pages: each maps its neighbours with every page it reads
   (see zc_index_trim). */
#define TRIM_READS 8
/* How much the process's file-backed pages may grow before zc_index_trim drops the mapped
   database pages.  Dropping at every call kept the resident set lowest but cost a third of a crawl's CPU
   in page faults and TLB flushes (the pages every walk needs, the root and branches, came
   back each time); with this budget they stay, and the resident set is still bounded. */
#define MAP_BUDGET ((long)1 << 20)
/* The same for a reader (export, stats, query, check), whose walks read the whole file once.
   An export of 100,000 documents (a 950 MB file) held the 700 MB it read without a budget; with
   8 MB it holds 32 MB and takes about 12% more CPU (page faults), with 1 MB about 16% more. */
#define MAP_BUDGET_READER ((long)8 << 20)

static int db_err(int rc)
{
	if (rc == 0)
		return ZC_OK;
	if (rc == MDB_NOTFOUND)
		return ZC_ENOTFOUND;
	if (rc == MDB_MAP_FULL || rc == ENOSPC || rc == EDQUOT)
		return ZC_EFULL;
	if (rc == MDB_INVALID || rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND)
		return ZC_EDAMAGED;
	if (rc > 0)
		return ZC_ERRNO(rc);	/* LMDB passes the system's errno on */
	return ZC_EDB;
}

void zc_u64_key(uint64_t v, unsigned char out[8])
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

uint64_t zc_key_u64(const void *key)
{
	const unsigned char *k = key;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | k[i];
	return v;
}

const char *zc_index_dir(const zc_index *idx)
{
	return idx->dir;
}

int zc_index_open(const char *dir, unsigned flags, zc_index **out)
{
	zc_index *idx = zc_calloc(1, sizeof *idx);
	char *path = zc_asprintf("%s/corpus", dir);
	int rc = ZC_OK, mrc;
	MDB_txn *txn = NULL;
	*out = NULL;
	idx->dir = zc_strdup(dir);
	idx->flags = flags;
	/* an environment is used only in the process that opened it (LMDB's rule): so is this */
	idx->statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	idx->file_base = -1;
	idx->os_page = sysconf(_SC_PAGESIZE);
	char *data = zc_asprintf("%s/data.mdb", path);
	struct stat st;
	int have = stat(data, &st) == 0;
	free(data);
	if (!(flags & ZC_INDEX_RDONLY)) {
		mkdir(dir, 0755);
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			rc = zc_write_error(errno);
			goto out;
		}
	} else if (!have || st.st_size < 2 * idx->os_page) {
		/* no corpus yet, also while the first crawl creates it: its directory made, its file
		   not there or shorter than LMDB's two meta pages (read, it would seem damaged) */
		rc = ZC_ENOTFOUND;
		goto out;
	}
	if ((mrc = mdb_env_create(&idx->env)) != 0) {
		rc = db_err(mrc);
		goto out;
	}
	if ((mrc = mdb_env_set_maxdbs(idx->env, 2 * ZC_T_COUNT + 4)) != 0 ||
	    (mrc = mdb_env_set_maxreaders(idx->env, 126)) != 0) {
		rc = db_err(mrc);
		goto out;
	}
	/* the map is at least the file's size; start at 1 GiB and double on demand */
	idx->mapsize = INITIAL_MAP;
	if (have && (size_t)st.st_size > idx->mapsize)
		idx->mapsize = (size_t)st.st_size;
	if ((mrc = mdb_env_set_mapsize(idx->env, idx->mapsize)) != 0) {
		rc = db_err(mrc);
		goto out;
	}
	mrc = mdb_env_open(idx->env, path, (flags & ZC_INDEX_RDONLY) ? MDB_RDONLY : 0, 0644);
	if (mrc != 0) {
		rc = db_err(mrc);
		goto out;
	}
	{
		/* a file shorter than its last page (cut short by a copy, a full disk outside LMDB,
		   a truncate) is mapped whole, and reading a page past its end is SIGBUS: refused */
		MDB_envinfo info;
		MDB_stat est;
		struct stat now;
		char *file = zc_asprintf("%s/data.mdb", path);
		int cut = mdb_env_info(idx->env, &info) == 0 && mdb_env_stat(idx->env, &est) == 0 && stat(file, &now) == 0 &&
			  (unsigned long long)now.st_size < ((unsigned long long)info.me_last_pgno + 1) * est.ms_psize;
		free(file);
		if (cut) {
			rc = ZC_EDAMAGED;
			goto out;
		}
	}
	{
		/* readers left by killed processes: clearing them only frees pages sooner, so a
		   failure here is no reason to refuse the corpus */
		int dead = 0;
		(void)mdb_reader_check(idx->env, &dead);
	}
	mrc = mdb_txn_begin(idx->env, NULL, (flags & ZC_INDEX_RDONLY) ? MDB_RDONLY : 0, &txn);
	if (mrc != 0) {
		rc = db_err(mrc);
		goto out;
	}
	/* meta first: a corpus of a newer schema is refused before its tables are looked for */
	int version = 0;	/* the corpus's; 0 when new */
	MDB_val schema_k = {6, "schema"}, v;
	mrc = mdb_dbi_open(txn, TABLE_NAMES[ZC_T_META], (flags & ZC_INDEX_RDONLY) ? 0 : MDB_CREATE, &idx->dbi[ZC_T_META]);
	if (mrc != 0) {
		rc = db_err(mrc);
		goto out;
	}
	if ((mrc = mdb_get(txn, idx->dbi[ZC_T_META], &schema_k, &v)) == 0) {
		char ver[16] = "";
		memcpy(ver, v.mv_data, v.mv_size < 15 ? v.mv_size : 15);
		long vl;
		version = zc_parse_long(ver, 0, 1000000, &vl) == ZC_OK ? (int)vl : 0;
		if (version > ZC_SCHEMA_VERSION) {
			fprintf(stderr, "zhengce: the corpus in %s has schema %s, newer than this zhengce (%d); upgrade zhengce\n",
				dir, ver, ZC_SCHEMA_VERSION);
			rc = ZC_EDB;
			goto out;
		}
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		rc = db_err(mrc);
		goto out;
	}
	for (int i = ZC_T_META + 1; i < ZC_T_COUNT; i++) {
		mrc = mdb_dbi_open(txn, TABLE_NAMES[i], (flags & ZC_INDEX_RDONLY) ? 0 : MDB_CREATE, &idx->dbi[i]);
		if (i == ZC_T_PAIRQ)
			idx->have_pairq = mrc == 0;
		if (i == ZC_T_POSTINGS)
			idx->have_postings = mrc == 0;
		if (i == ZC_T_CODINGS)
			idx->have_codings = mrc == 0;
		/* read-only, a corpus written before the queue (every pair is in grams) or before
		   postings (schema 3: every merged pair is in grams) */
		if (mrc == MDB_NOTFOUND && (i == ZC_T_PAIRQ || i == ZC_T_POSTINGS || i == ZC_T_CODINGS) &&
		    (flags & ZC_INDEX_RDONLY))
			continue;
		if (mrc != 0) {
			rc = db_err(mrc);
			goto out;
		}
	}
	/* schema 3's character-pair index, one LMDB duplicate an id: read while it lasts, moved
	   into postings by the next merge (zc_index_merge_pairs) */
	mrc = mdb_dbi_open(txn, "grams", MDB_DUPSORT | MDB_DUPFIXED, &idx->grams);
	idx->have_grams = mrc == 0;
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		rc = db_err(mrc);
		goto out;
	}
	idx->have1 = 1;
	for (int i = 0; i < ZC_T_COUNT; i++) {
		if (!rebuilt(i))
			continue;
		char name[32];
		snprintf(name, sizeof name, "%s.1", TABLE_NAMES[i]);
		mrc = mdb_dbi_open(txn, name, (flags & ZC_INDEX_RDONLY) ? 0 : MDB_CREATE, &idx->dbi1[i]);
		if (mrc == MDB_NOTFOUND && (flags & ZC_INDEX_RDONLY)) {
			idx->have1 = 0;	/* a corpus written before generations: only generation 0 */
		} else if (mrc != 0) {
			rc = db_err(mrc);
			goto out;
		}
	}
	/* a new corpus, or an older one this zhengce may now write records of its own version into
	   (1 -> 2 changes no record: see ZC_SCHEMA_VERSION) */
	if (version < ZC_SCHEMA_VERSION && !(flags & ZC_INDEX_RDONLY)) {
		char ver[16];
		snprintf(ver, sizeof ver, "%d", ZC_SCHEMA_VERSION);
		v.mv_size = strlen(ver);
		v.mv_data = ver;
		mrc = mdb_put(txn, idx->dbi[ZC_T_META], &schema_k, &v, 0);
		if (mrc != 0) {
			rc = db_err(mrc);
			goto out;
		}
	}
	mrc = mdb_txn_commit(txn);
	txn = NULL;
	if (mrc != 0)
		rc = db_err(mrc);
out:
	if (txn)
		mdb_txn_abort(txn);
	free(path);
	if (rc != ZC_OK) {
		zc_index_close(&idx);
		return rc;
	}
	*out = idx;
	return ZC_OK;
}

void zc_index_close(zc_index **pidx)
{
	zc_index *idx = *pidx;
	if (!idx)
		return;
	if (idx->env)
		mdb_env_close(idx->env);
	if (idx->statm >= 0)
		close(idx->statm);
	free(idx->dir);
	free(idx);
	*pidx = NULL;
}

int zc_index_lock_crawl(const char *dir, int *fd, long *holder)
{
	char *path = zc_asprintf("%s/crawl.lock", dir);
	mkdir(dir, 0755);
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	*fd = -1;
	*holder = 0;
	if (f < 0)
		return zc_write_error(errno);
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		char buf[32] = "";
		ssize_t n = pread(f, buf, sizeof buf - 1, 0);
		if (n > 0)
			*holder = strtol(buf, NULL, 10);
		close(f);
		return ZC_ELOCKED;
	}
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(f, 0) == 0 && pwrite(f, buf, (size_t)n, 0) < 0) {
		/* the pid is a courtesy for the message of a second crawl; the lock holds anyway */
	}
	*fd = f;
	return ZC_OK;
}

void zc_index_unlock_crawl(int *fd)
{
	if (*fd >= 0) {
		if (ftruncate(*fd, 0) != 0) {
			/* nothing to do: the lock goes with the descriptor */
		}
		flock(*fd, LOCK_UN);
		close(*fd);
	}
	*fd = -1;
}

static const char PAGES_REV[] = "pages_rev";

uint64_t zc_tx_pages_rev(zc_txn *t)
{
	MDB_val k = {sizeof PAGES_REV - 1, (void *)PAGES_REV}, v;
	if (mdb_get(t->txn, dbi(t, ZC_T_META), &k, &v) != 0 || v.mv_size != 8)
		return 0;
	return zc_key_u64(v.mv_data);
}

static int bump_pages_rev(zc_txn *t)
{
	unsigned char n[8];
	zc_u64_key(zc_tx_pages_rev(t) + 1, n);
	MDB_val k = {sizeof PAGES_REV - 1, (void *)PAGES_REV}, v = {8, n};
	return db_err(mdb_put(t->txn, dbi(t, ZC_T_META), &k, &v, 0));
}

int zc_index_write(zc_index *idx, zc_txn_fn fn, void *arg)
{
	if (idx->flags & ZC_INDEX_RDONLY)
		return ZC_EUSAGE;
	for (int attempt = 0; attempt < 8; attempt++) {
		zc_txn t = {idx, NULL, 0, 0, 0};
		int mrc = mdb_txn_begin(idx->env, NULL, 0, &t.txn);
		if (mrc == MDB_MAP_RESIZED && (mrc = mdb_env_set_mapsize(idx->env, 0)) == 0) {
			mrc = mdb_txn_begin(idx->env, NULL, 0, &t.txn);
		}
		if (mrc != 0) {
			idx->sys_errno = mrc > 0 ? mrc : 0;
			return db_err(mrc);
		}
		read_generation(&t);
		int rc = fn(&t, arg);
		if (rc == ZC_OK && t.pages_put)
			rc = bump_pages_rev(&t);
		if (rc == ZC_OK) {
			mrc = mdb_txn_commit(t.txn);
			rc = db_err(mrc);
			idx->sys_errno = mrc > 0 ? mrc : 0;
		} else {
			mdb_txn_abort(t.txn);
		}
		if (rc != ZC_EFULL || mrc == ENOSPC)
			return rc;
		/* map full: grow and run the whole transaction again */
		MDB_envinfo info;
		if (mdb_env_info(idx->env, &info) != 0)
			return ZC_EFULL;
		idx->mapsize = info.me_mapsize * 2;
		if (mdb_env_set_mapsize(idx->env, idx->mapsize) != 0)
			return ZC_EFULL;
	}
	return ZC_EFULL;
}

/* One more read: a read transaction, or a record of a walk (a walk over the corpus would
   otherwise map the whole file into the reader's resident set: 700 MB for an export of
   100,000 documents).  Every TRIM_READS, a look at the mapped pages. */
static void counted_read(zc_index *idx)
{
	if (++idx->reads >= TRIM_READS)
		zc_index_trim(idx);
}

int zc_index_read(zc_index *idx, zc_txn_fn fn, void *arg)
{
	zc_txn t = {idx, NULL, 0, 0, 0};
	int mrc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &t.txn);
	if (mrc == MDB_MAP_RESIZED && (mrc = mdb_env_set_mapsize(idx->env, 0)) == 0)
		mrc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &t.txn);
	if (mrc != 0)
		return db_err(mrc);
	read_generation(&t);
	int rc = fn(&t, arg);
	mdb_txn_abort(t.txn);
	counted_read(idx);
	return rc;
}

/*
 * LMDB refuses keys over 511 bytes, and a URL from the web has no such limit (a search's
 * link.do?url=..., tracking parameters, a redirect to a 60 KB path).  A key longer than
 * KEY_DIRECT is stored as its first KEY_HEAD bytes, a NUL and the SHA-256 of the whole key:
 * distinct keys stay distinct, keys sharing a long prefix included, and a prefix scan still
 * finds them.  No text key holds a NUL and binary keys are short, so the form is never
 * mistaken for another key.  The records of such keys carry the whole text where it matters
 * (a page's "url", a request's "url").
 */
#define KEY_DIRECT 480
#define KEY_HEAD 440
typedef struct long_key {
	unsigned char b[KEY_HEAD + 1 + 32];
} long_key;

static MDB_val key_of(const void *key, size_t klen, long_key *lk)
{
	MDB_val k = {klen, (void *)key};
	if (klen <= KEY_DIRECT)
		return k;
	memcpy(lk->b, key, KEY_HEAD);
	lk->b[KEY_HEAD] = '\0';
	unsigned int n = 0;
	if (!EVP_Digest(key, klen, lk->b + KEY_HEAD + 1, &n, EVP_sha256(), NULL) || n != 32) {
		/* as for memory (zc.h): nothing can go on without it, and aborting loses nothing */
		fputs("zhengce: OpenSSL cannot compute SHA-256\n", stderr);
		abort();
	}
	k.mv_size = sizeof lk->b;
	k.mv_data = lk->b;
	return k;
}

/* a key of 481 to 511 bytes was stored as it is before long keys were hashed: a corpus written
   then still finds it (a URL's page id, which would otherwise be given a second page) */
#define KEY_OLD_MAX 511

int zc_tx_get(zc_txn *t, enum zc_table tb, const void *key, size_t klen, char **val, size_t *vlen)
{
	long_key lk;
	MDB_val k = key_of(key, klen, &lk), v;
	int mrc = mdb_get(t->txn, dbi(t, tb), &k, &v);
	if (mrc == MDB_NOTFOUND && klen > KEY_DIRECT && klen <= KEY_OLD_MAX) {
		MDB_val direct = {klen, (void *)key};
		mrc = mdb_get(t->txn, dbi(t, tb), &direct, &v);
	}
	if (mrc != 0)
		return db_err(mrc);
	if (val)
		*val = zc_strndup(v.mv_data, v.mv_size);
	if (vlen)
		*vlen = v.mv_size;
	return ZC_OK;
}

int zc_tx_put(zc_txn *t, enum zc_table tb, const void *key, size_t klen, const void *val, size_t vlen)
{
	long_key lk;
	MDB_val k = key_of(key, klen, &lk), v = {vlen, (void *)val};
	if (klen == 0)
		return ZC_EUSAGE;
	return db_err(mdb_put(t->txn, dbi(t, tb), &k, &v, 0));
}

int zc_tx_del(zc_txn *t, enum zc_table tb, const void *key, size_t klen)
{
	long_key lk;
	MDB_val k = key_of(key, klen, &lk);
	int mrc = mdb_del(t->txn, dbi(t, tb), &k, NULL);
	if ((mrc == 0 || mrc == MDB_NOTFOUND) && klen > KEY_DIRECT && klen <= KEY_OLD_MAX) {
		MDB_val direct = {klen, (void *)key};
		int drc = mdb_del(t->txn, dbi(t, tb), &direct, NULL);
		if (drc != MDB_NOTFOUND)
			mrc = drc;
	}
	return mrc == MDB_NOTFOUND ? ZC_OK : db_err(mrc);
}

int zc_tx_clear(zc_txn *t, enum zc_table tb)
{
	return db_err(mdb_drop(t->txn, dbi(t, tb), 0));
}

int zc_tx_scan(zc_txn *t, enum zc_table tb, const void *prefix, size_t plen, zc_scan_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k = {plen, (void *)prefix}, v;
	int mrc = mdb_cursor_open(t->txn, dbi(t, tb), &c);
	if (mrc != 0)
		return db_err(mrc);
	mrc = plen ? mdb_cursor_get(c, &k, &v, MDB_SET_RANGE) : mdb_cursor_get(c, &k, &v, MDB_FIRST);
	int rc = ZC_OK;
	while (mrc == 0) {
		if (plen && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0))
			break;
		if (fn(k.mv_data, k.mv_size, v.mv_data, v.mv_size, arg))
			break;
		counted_read(t->idx);
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = db_err(mrc);
	mdb_cursor_close(c);
	return rc;
}

int zc_tx_has(zc_txn *t, enum zc_table tb)
{
	if (tb == ZC_T_CODINGS)
		return t->idx->have_codings;
	if (tb == ZC_T_PAIRQ)
		return t->idx->have_pairq;
	if (tb == ZC_T_POSTINGS)
		return t->idx->have_postings;
	return 1;
}

int zc_tx_count(zc_txn *t, enum zc_table tb, uint64_t *n)
{
	MDB_stat st;
	int mrc = mdb_stat(t->txn, dbi(t, tb), &st);
	*n = mrc == 0 ? st.ms_entries : 0;
	return db_err(mrc);
}

int zc_tx_get_json(zc_txn *t, enum zc_table tb, const char *key, json_t **out)
{
	char *v;
	size_t n;
	*out = NULL;
	int rc = zc_tx_get(t, tb, key, strlen(key), &v, &n);
	if (rc != ZC_OK)
		return rc;
	*out = zc_record_parse(v, n);
	free(v);
	return *out ? ZC_OK : ZC_EPARSE;
}

/* a record: val as MessagePack (record.c) */
static int put_record(zc_txn *t, enum zc_table tb, const void *key, size_t klen, json_t *val)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int rc = zc_rec_encode(val, &b);
	if (rc == ZC_OK)
		rc = zc_tx_put(t, tb, key, klen, b.data, b.len);
	zc_buf_free(&b);
	return rc;
}

int zc_tx_put_json(zc_txn *t, enum zc_table tb, const char *key, json_t *val)
{
	return put_record(t, tb, key, strlen(key), val);
}

/*
 * A page record (schema 3) is two MessagePack values: the document's body as a string, then
 * the page with doc.body left empty ("").  The body is most of a record; stored first, with
 * its length before it, it is read without the rest (zc_tx_page_body) and skipped by a reader
 * that needs only the rest (export, the query table).
 * Schema 2 stored the page's JSON (body "") a NUL and the body; schema 1 the JSON alone, the
 * body inside.  All three read back the same object, the body in its place.
 */
static int page_encode(json_t *page, zc_buf *out)
{
	json_t *doc = json_object_get(page, "doc");
	json_t *body = json_object_get(doc, "body");
	if (!json_is_string(body))
		return zc_rec_encode_str("", 0, out) == ZC_OK ? zc_rec_encode(page, out) : ZC_EPARSE;
	int rc = zc_rec_encode_str(json_string_value(body), json_string_length(body), out);
	json_incref(body);
	json_object_set_new(doc, "body", json_string(""));
	if (rc == ZC_OK)
		rc = zc_rec_encode(page, out);
	json_object_set_new(doc, "body", body);
	return rc;
}

/* where a page record keeps its body: schema 3, the MessagePack string first and the page
   after it; schema 2, the page's JSON, a NUL, the body.  0 for schema 1 (the body inside the
   JSON, no NUL) and for a record whose first value is not a string. */
typedef struct page_parts {
	const char *body;
	size_t body_len;
	size_t rest, rest_len;	/* the page without its body: offset and length */
	int json;		/* the rest is JSON text (schema 2) */
} page_parts;

static int page_split(const void *v, size_t n, page_parts *p)
{
	if (zc_rec_is_json(v, n)) {
		const char *nul = memchr(v, '\0', n);
		if (!nul)
			return 0;
		p->json = 1;
		p->rest = 0;
		p->rest_len = (size_t)(nul - (const char *)v);
		p->body = nul + 1;
		p->body_len = n - p->rest_len - 1;
		return 1;
	}
	size_t off = 0;
	if (zc_rec_str(v, n, &off, &p->body, &p->body_len) != ZC_OK)
		return 0;
	p->json = 0;
	p->rest = off;
	p->rest_len = n - off;
	return 1;
}

/* a stored page record as the page; without body, doc.body is "" (schema 2 and 3) or as it
   was (a schema-1 record, whose body is in its JSON) */
static json_t *page_parse(const void *v, size_t n, int with_body)
{
	page_parts p;
	if (!page_split(v, n, &p))
		return zc_rec_is_json(v, n) ? json_loadb(v, n, 0, NULL) : NULL;
	json_t *page;
	size_t off = p.rest;
	if (p.json) {
		page = json_loadb((const char *)v + p.rest, p.rest_len, 0, NULL);
	} else if ((page = zc_rec_decode(v, n, &off)) && off != n) {
		json_decref(page);	/* bytes after the page: damaged */
		page = NULL;
	}
	json_t *doc = json_object_get(page, "doc"), *body = NULL;
	if (json_is_object(doc) && (!with_body || (body = zc_json_string(p.body, p.body_len)))) {
		if (body)
			json_object_set_new(doc, "body", body);
		return page;
	}
	json_decref(page);	/* not a page, or its body is not UTF-8: damaged */
	return NULL;
}

json_t *zc_page_parse(const void *v, size_t n)
{
	return page_parse(v, n, 1);
}

/* the record under a u64 key, in place (valid while the transaction lasts) */
static int get_u64(zc_txn *t, enum zc_table tb, uint64_t id, MDB_val *v)
{
	unsigned char k[8];
	MDB_val key = {8, k};
	zc_u64_key(id, k);
	return db_err(mdb_get(t->txn, dbi(t, tb), &key, v));
}

/* a decision record, only when it holds the field key (with value, unless NULL; NULL key: any) */
static json_t *load_decision(zc_txn *t, uint64_t id, const char *key, const char *value, int *rc)
{
	MDB_val v;
	if ((*rc = get_u64(t, ZC_T_DECISIONS, id, &v)) != ZC_OK)
		return NULL;
	if (key && !zc_rec_has(v.mv_data, v.mv_size, key, value)) {
		*rc = ZC_ENOTFOUND;
		return NULL;
	}
	json_t *j = zc_record_parse(v.mv_data, v.mv_size);
	*rc = j ? ZC_OK : ZC_EPARSE;
	return j;
}

/* a page record as the page, with its body or without (page_parse) */
static int load_page(zc_txn *t, uint64_t id, int with_body, json_t **page)
{
	MDB_val v;
	*page = NULL;
	int rc = get_u64(t, ZC_T_PAGES, id, &v);
	if (rc != ZC_OK)
		return rc;
	*page = page_parse(v.mv_data, v.mv_size, with_body);
	return *page ? ZC_OK : ZC_EPARSE;
}

int zc_tx_page_body(zc_txn *t, uint64_t id, json_t **body)
{
	MDB_val v;
	*body = NULL;
	int rc = get_u64(t, ZC_T_PAGES, id, &v);
	if (rc != ZC_OK)
		return rc;
	page_parts p;
	if (page_split(v.mv_data, v.mv_size, &p)) {
		/* the body alone, checked as zc_page_parse checks it */
		*body = zc_json_string(p.body, p.body_len);
	} else {
		json_t *page = page_parse(v.mv_data, v.mv_size, 1);
		*body = json_incref(json_object_get(json_object_get(page, "doc"), "body"));
		json_decref(page);
	}
	if (!json_is_string(*body)) {
		json_decref(*body);
		*body = NULL;
		return ZC_EPARSE;
	}
	return ZC_OK;
}

static void merge_decision(zc_txn *t, uint64_t id, json_t *page)
{
	int rc;
	json_t *d = load_decision(t, id, NULL, NULL, &rc);
	if (d) {
		json_object_update(page, d);
		json_decref(d);
	}
}

int zc_tx_page_read(zc_txn *t, uint64_t id, unsigned flags, json_t **page)
{
	int rc = load_page(t, id, flags & ZC_PAGE_BODY, page);
	if (rc == ZC_OK)
		merge_decision(t, id, *page);
	return rc;
}

int zc_tx_page_get(zc_txn *t, uint64_t id, json_t **page)
{
	return zc_tx_page_read(t, id, ZC_PAGE_BODY, page);
}

int zc_tx_page_record(zc_txn *t, uint64_t id, json_t **page)
{
	return load_page(t, id, 1, page);
}

int zc_tx_decision_get_if(zc_txn *t, uint64_t id, const char *key, const char *value, json_t **decision)
{
	int rc;
	*decision = load_decision(t, id, key, value, &rc);
	return rc;
}

int zc_tx_decision_get(zc_txn *t, uint64_t id, json_t **decision)
{
	return zc_tx_decision_get_if(t, id, NULL, NULL, decision);
}

int zc_tx_decision_put(zc_txn *t, uint64_t id, json_t *decision)
{
	unsigned char k[8];
	zc_u64_key(id, k);
	return put_record(t, ZC_T_DECISIONS, k, 8, decision);
}

int zc_tx_pages_each(zc_txn *t, zc_page_each_fn fn, void *arg)
{
	return zc_tx_pages_walk(t, ZC_PAGE_BODY, fn, arg);
}

int zc_tx_pages_walk(zc_txn *t, unsigned flags, zc_page_each_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k, v;
	int mrc = mdb_cursor_open(t->txn, dbi(t, ZC_T_PAGES), &c);
	if (mrc != 0)
		return db_err(mrc);
	int rc = ZC_OK;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		json_t *page = page_parse(v.mv_data, v.mv_size, flags & ZC_PAGE_BODY);
		if (!page || k.mv_size != 8) {
			json_decref(page);
			continue;
		}
		merge_decision(t, zc_key_u64(k.mv_data), page);
		int stop = fn(page, arg);
		json_decref(page);
		if (stop) {
			rc = stop;
			break;
		}
		counted_read(t->idx);
	}
	mdb_cursor_close(c);
	return rc;
}

int zc_tx_pages_read(zc_txn *t, const uint64_t *ids, size_t n, unsigned flags, zc_page_each_fn fn, void *arg)
{
	for (size_t i = 0; i < n; i++) {
		json_t *page;
		if (zc_tx_page_read(t, ids[i], flags, &page) != ZC_OK)
			continue;
		int stop = fn(page, arg);
		json_decref(page);
		if (stop)
			return stop;
		counted_read(t->idx);
	}
	return ZC_OK;
}

int zc_tx_page_put(zc_txn *t, uint64_t id, json_t *page)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int rc = page_encode(page, &b);
	if (rc == ZC_OK) {
		unsigned char k[8];
		zc_u64_key(id, k);
		t->pages_put = 1;
		rc = zc_tx_put(t, ZC_T_PAGES, k, 8, b.data, b.len);
	}
	zc_buf_free(&b);
	return rc;
}

int zc_tx_page_id(zc_txn *t, const char *url, uint64_t *id)
{
	char *v;
	size_t n;
	int rc = zc_tx_get(t, ZC_T_URLS, url, strlen(url), &v, &n);
	if (rc != ZC_OK)
		return rc;
	*id = n == 8 ? zc_key_u64(v) : 0;
	free(v);
	return *id ? ZC_OK : ZC_EPARSE;
}

uint64_t zc_tx_page_max(zc_txn *t)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t id = 0;
	if (mdb_cursor_open(t->txn, dbi(t, ZC_T_PAGES), &c) != 0)
		return 0;
	if (mdb_cursor_get(c, &k, &v, MDB_LAST) == 0 && k.mv_size == 8)
		id = zc_key_u64(k.mv_data);
	mdb_cursor_close(c);
	return id;
}

/* ---- character pairs ------------------------------------------------------------------ */

static int word_char(unsigned cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || cp >= 0x20000;
}

/* the pairs of adjacent word characters of s, as (first << 32 | second), appended to *v; folded
   as zc_str_fold() folds (full-width ASCII to ASCII, wide spaces to spaces), without a copy */
static void pairs_add(const char *s, uint64_t **v, size_t *n, size_t *cap)
{
	unsigned prev = 0;
	for (const char *p = s; *p;) {
		unsigned cp;
		p += zc_utf8_next(p, &cp);
		cp = zc_fold_cp(cp);
		if (!word_char(cp)) {
			prev = 0;
			continue;
		}
		if (prev) {
			if (*n == *cap) {
				*cap *= 2;
				*v = zc_realloc(*v, *cap * sizeof **v);
			}
			(*v)[(*n)++] = ((uint64_t)prev << 32) | cp;
		}
		prev = cp;
	}
}

/* the pairs of adjacent word characters of a and of b (NULL: none), with repeats, unsorted; no
   pair across the two, as if a line stood between them */
static uint64_t *pairs_of(const char *a, const char *b, size_t *n)
{
	size_t cap = 64;
	uint64_t *v = zc_malloc(cap * sizeof *v);
	*n = 0;
	pairs_add(a, &v, n, &cap);
	if (b)
		pairs_add(b, &v, n, &cap);
	return v;
}

static size_t utf8_put(unsigned cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

static size_t pair_key(uint64_t pr, unsigned char out[8])
{
	size_t n = utf8_put((unsigned)(pr >> 32), out);
	return n + utf8_put((unsigned)(pr & 0xFFFFFFFFu), out + n);
}

/*
 * A stable LSD radix sort of n records of sz bytes (8 or 16) on the uint64_t each starts with,
 * a character pair (first << 32 | second): code points are below 2^21, so the pairs differ in
 * bytes 0-2 and 4-6 only, six passes at most; a pass whose byte is the same in every record
 * (the third byte of characters in the Basic Multilingual Plane, where Chinese text is) moves
 * nothing and is skipped.  Against qsort(): 3% less CPU for a scale-1 crawl, 5% at scale 100
 * (every stored page sorts its pairs, the merge sorts its postings).  Always inlined into its
 * two callers, so that each is compiled for its record size (-O2 does not clone it): 19 M
 * fewer instructions a scale-1 crawl than one body reading sz at run time.
 */
static inline __attribute__((always_inline)) void sort_by_pair(void *base, size_t n, size_t sz)
{
	static const int bytes[6] = {0, 1, 2, 4, 5, 6};
	unsigned char *a = base, *b = zc_malloc(n * sz + 1), *tmp = b;
	for (int p = 0; p < 6; p++) {
		size_t count[257] = {0};
		int sh = bytes[p] * 8;
		uint64_t k;
		for (size_t i = 0; i < n; i++) {
			memcpy(&k, a + i * sz, 8);
			count[((k >> sh) & 0xff) + 1]++;
		}
		int same = 0;
		for (int c = 1; c <= 256 && !same; c++)
			same = count[c] == n;
		if (same)
			continue;
		for (int c = 0; c < 256; c++)
			count[c + 1] += count[c];
		for (size_t i = 0; i < n; i++) {
			memcpy(&k, a + i * sz, 8);
			memcpy(b + count[(k >> sh) & 0xff]++ * sz, a + i * sz, sz);	/* sz is known: inlined */
		}
		unsigned char *t = a;
		a = b;
		b = t;
	}
	if (a != base)	/* an odd number of passes moved the records */
		memcpy(base, a, n * sz);
	free(tmp);
}

/* the distinct character pairs of a page's title and body, sorted */
static uint64_t *page_pairs(json_t *page, size_t *n)
{
	json_t *doc = json_object_get(page, "doc");
	const char *title = json_string_value(json_object_get(doc, "title"));
	const char *body = json_string_value(json_object_get(doc, "body"));
	uint64_t *v = pairs_of(title ? title : "", body ? body : "", n);
	sort_by_pair(v, *n, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (!k || v[i] != v[k - 1])
			v[k++] = v[i];
	*n = k;
	return v;
}

/* queued, not inserted: one write at the end of pairq per page (see zc_index_merge_pairs) */
static int pairs_queue(zc_txn *t, json_t *page, uint64_t id)
{
	size_t n;
	uint64_t *v = page_pairs(page, &n);
	unsigned char idk[8];
	zc_u64_key(id, idk);
	MDB_val k = {8, idk}, val = {n * sizeof *v, v};
	int rc = db_err(mdb_put(t->txn, dbi(t, ZC_T_PAIRQ), &k, &val, 0));
	free(v);
	return rc;
}

/* whether v's u64s, ascending and unaligned, hold x: big-endian (a chunk of postings) when
   be, else in the machine's order (a queued record's pairs) */
static int sorted_has(const MDB_val *v, uint64_t x, int be)
{
	size_t lo = 0, hi = v->mv_size / 8;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = (const char *)v->mv_data + mid * 8;
		uint64_t y;
		if (be)
			y = zc_key_u64(p);
		else
			memcpy(&y, p, 8);
		if (y == x)
			return 1;
		if (y < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The character-pair index, table postings: a pair's page ids, ascending, in chunks of up to
 * CHUNK ids, each chunk under the key (pair, its first id), both u64 big-endian, so that a
 * pair's chunks lie side by side in id order and one seek finds the chunk an id belongs in.
 * Schema 3 kept one LMDB duplicate per (pair, page) in grams; LMDB inserts duplicates one at a
 * time, each growing the pair's sub-page by a copy of it: some 800 instructions a posting, 5% of
 * a scale-1 crawl, where a chunk written whole costs a fifth of that (docs/PERFORMANCE.md).
 */
#define CHUNK 120	/* 960 bytes: four chunks to an LMDB page, never an overflow page */

static void chunk_key(uint64_t pair, uint64_t first, unsigned char k[16])
{
	zc_u64_key(pair, k);
	zc_u64_key(first, k + 8);
}

static int chunk_of(const MDB_val *k, uint64_t pair)
{
	return k->mv_size == 16 && zc_key_u64(k->mv_data) == pair;
}

static uint64_t chunk_first(const MDB_val *k)
{
	return zc_key_u64((const char *)k->mv_data + 8);
}

/* c on the chunk of pair that would hold id, the last whose first id is at most id: 1; else,
   id being below all of the pair's chunks, c on its first chunk: 2; 0 when the pair has none */
static int chunk_find(MDB_cursor *c, uint64_t pair, uint64_t id, MDB_val *k, MDB_val *v)
{
	unsigned char kb[16];
	chunk_key(pair, id, kb);
	k->mv_size = 16;
	k->mv_data = kb;
	int mrc = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
	int above = mrc == 0 && chunk_of(k, pair);
	if (above && chunk_first(k) == id)
		return 1;
	if (mdb_cursor_get(c, k, v, mrc == 0 ? MDB_PREV : MDB_LAST) == 0 && chunk_of(k, pair))
		return 1;
	return above && mdb_cursor_get(c, k, v, MDB_NEXT) == 0 ? 2 : 0;
}

/* the pair a key of grams (schema 3: its two characters in UTF-8) stands for; 0 if damaged */
static uint64_t grams_pair(const MDB_val *k)
{
	char s[9];
	unsigned a, b;
	if (k->mv_size < 2 || k->mv_size > 8)
		return 0;
	memcpy(s, k->mv_data, k->mv_size);
	s[k->mv_size] = '\0';
	size_t n = (size_t)zc_utf8_next(s, &a);
	if (!a || n >= k->mv_size)
		return 0;
	n += (size_t)zc_utf8_next(s + n, &b);
	return b && n == k->mv_size ? ((uint64_t)a << 32) | b : 0;
}

/* Where a search looks a posting up: postings, and grams while a corpus of schema 3 has it
   (each pair is in one of the two: the merge moves a pair whole). */
typedef struct pair_look {
	MDB_cursor *post, *grams;
} pair_look;

static void look_open(zc_txn *t, pair_look *l)
{
	l->post = l->grams = NULL;
	if (t->idx->have_postings && mdb_cursor_open(t->txn, dbi(t, ZC_T_POSTINGS), &l->post) != 0)
		l->post = NULL;
	if (t->idx->have_grams && mdb_cursor_open(t->txn, t->idx->grams, &l->grams) != 0)
		l->grams = NULL;
}

static void look_close(pair_look *l)
{
	if (l->post)
		mdb_cursor_close(l->post);
	if (l->grams)
		mdb_cursor_close(l->grams);
}

static int look_has(pair_look *l, uint64_t pair, uint64_t id)
{
	MDB_val k, v;
	if (l->post && chunk_find(l->post, pair, id, &k, &v) == 1 && sorted_has(&v, id, 1))
		return 1;
	if (!l->grams)
		return 0;
	unsigned char kb[8], idk[8];
	zc_u64_key(id, idk);
	k.mv_size = pair_key(pair, kb);
	k.mv_data = kb;
	v.mv_size = 8;
	v.mv_data = idk;
	return mdb_cursor_get(l->grams, &k, &v, MDB_GET_BOTH) == 0;
}

/* whether the index holds every pair of v for id */
static int look_has_all(pair_look *l, const uint64_t *v, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (!look_has(l, v[i], id))
			return 0;
	return 1;
}

/* the ids pair has in the index (postings and grams), counted up to cap: a pair above cap
   only needs to be known as above it */
static uint64_t pair_count(pair_look *l, uint64_t pair, uint64_t cap)
{
	MDB_val k, v;
	uint64_t n = 0;
	if (l->post) {
		unsigned char kb[16];
		chunk_key(pair, 0, kb);
		k.mv_size = 16;
		k.mv_data = kb;
		int mrc = mdb_cursor_get(l->post, &k, &v, MDB_SET_RANGE);
		while (mrc == 0 && chunk_of(&k, pair) && n <= cap) {
			n += v.mv_size / 8;
			mrc = mdb_cursor_get(l->post, &k, &v, MDB_NEXT);
		}
	}
	if (l->grams && n <= cap) {
		unsigned char kb[8];
		k.mv_size = pair_key(pair, kb);
		k.mv_data = kb;
		size_t dups;
		if (mdb_cursor_get(l->grams, &k, &v, MDB_SET_KEY) == 0 && mdb_cursor_count(l->grams, &dups) == 0)
			n += dups;
	}
	return n;
}

typedef struct pair_n {
	uint64_t pair, n;
} pair_n;

static int by_count(const void *a, const void *b)
{
	const pair_n *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n ? -1 : 1) : (x->pair > y->pair) - (x->pair < y->pair);
}

/*
 * The word's distinct pairs, rarest first: its candidates are walked from the rarest pair's
 * postings and checked against the others in that order, so that a rare word costs as many
 * look-ups as its rarest pair has pages, whatever the others have (a word of a common pair and
 * a rare one was walked from its first pair: every page of 医疗 for 医疗碳汇).  Each count stops
 * at the smallest one so far, so a common pair is counted only that far.
 */
static size_t rarest_first(pair_look *l, uint64_t *v, size_t n)
{
	sort_by_pair(v, n, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || v[i] != v[k - 1])
			v[k++] = v[i];
	pair_n *c = zc_malloc(k * sizeof *c);
	uint64_t least = UINT64_MAX;
	for (size_t i = 0; i < k; i++) {
		c[i] = (pair_n){v[i], pair_count(l, v[i], least)};
		if (c[i].n < least)
			least = c[i].n;
	}
	qsort(c, k, sizeof *c, by_count);
	for (size_t i = 0; i < k; i++)
		v[i] = c[i].pair;
	free(c);
	return k;
}

int zc_tx_pairs_find(zc_txn *t, const char *word, int (*fn)(uint64_t id, void *arg), void *arg)
{
	size_t n;
	uint64_t *v = pairs_of(word, NULL, &n);
	if (n == 0) {
		free(v);
		return ZC_EUSAGE;
	}
	pair_look look;
	MDB_cursor *walk = NULL, *q = NULL;
	MDB_val k, val;
	int stop = 0, mrc;
	look_open(t, &look);
	n = rarest_first(&look, v, n);
	/* the pages of the rarest pair, chunk after chunk, each checked for the other pairs */
	if (t->idx->have_postings && mdb_cursor_open(t->txn, dbi(t, ZC_T_POSTINGS), &walk) == 0) {
		unsigned char kb[16];
		chunk_key(v[0], 0, kb);
		k.mv_size = 16;
		k.mv_data = kb;
		mrc = mdb_cursor_get(walk, &k, &val, MDB_SET_RANGE);
		while (mrc == 0 && chunk_of(&k, v[0]) && !stop) {
			for (size_t i = 0; i < val.mv_size / 8 && !stop; i++) {
				uint64_t id = zc_key_u64((const char *)val.mv_data + i * 8);
				stop = look_has_all(&look, v + 1, n - 1, id) && fn(id, arg);
			}
			counted_read(t->idx);
			mrc = mdb_cursor_get(walk, &k, &val, MDB_NEXT);
		}
		mdb_cursor_close(walk);
	}
	if (!stop && t->idx->have_grams && mdb_cursor_open(t->txn, t->idx->grams, &walk) == 0) {
		unsigned char kb[8];
		k.mv_size = pair_key(v[0], kb);
		k.mv_data = kb;
		mrc = mdb_cursor_get(walk, &k, &val, MDB_SET_KEY);
		while (mrc == 0 && !stop) {
			uint64_t id = zc_key_u64(val.mv_data);
			stop = look_has_all(&look, v + 1, n - 1, id) && fn(id, arg);
			counted_read(t->idx);
			mrc = mdb_cursor_get(walk, &k, &val, MDB_NEXT_DUP);
		}
		mdb_cursor_close(walk);
	}
	/* pages whose pairs are still queued; those found above already (a kill during a merge,
	   a changed page) are not reported twice */
	if (!stop && t->idx->have_pairq && mdb_cursor_open(t->txn, dbi(t, ZC_T_PAIRQ), &q) == 0) {
		mrc = mdb_cursor_get(q, &k, &val, MDB_FIRST);
		while (mrc == 0 && !stop) {
			int all = 1;
			for (size_t i = 0; i < n && all; i++)
				all = sorted_has(&val, v[i], 0);
			if (all && !look_has_all(&look, v, n, zc_key_u64(k.mv_data)))
				stop = fn(zc_key_u64(k.mv_data), arg);
			counted_read(t->idx);
			mrc = mdb_cursor_get(q, &k, &val, MDB_NEXT);
		}
		mdb_cursor_close(q);
	}
	look_close(&look);
	free(v);
	return ZC_OK;
}

/*
 * The merge.  Up to MERGE_POSTINGS (pair, page id) postings are read from the head of the
 * queue and sorted; they go into postings MERGE_PAIRS distinct pairs per transaction, so that a
 * transaction copies a bounded number of index pages (its dirty pages are heap) and maps a
 * bounded number (trimmed every TRIM_PAIRS pairs); the last transaction of a batch removes its
 * records from the queue.  Adding a posting twice is harmless (postings_add skips it), so a
 * kill anywhere costs at most redoing one batch.
 */
#define MERGE_POSTINGS 65536
#define MERGE_PAIRS 256
#define TRIM_PAIRS 8

typedef struct posting {
	uint64_t pair, id;
} posting;

typedef struct merge {
	zc_index *idx;
	posting *v;
	size_t n, cap;
	size_t pages;		/* queued pages in this batch */
	uint64_t last;		/* the last of them */
	size_t at, end;		/* postings merged; the end of this transaction's share */
	uint64_t *ids, *buf;	/* one pair's ids; postings_add's room */
	size_t ids_cap, buf_cap;
} merge;

/*
 * ids (ascending, distinct) into the chunks of pair.  Each goes into the chunk that would hold
 * it (the pair's first chunk for an id below all of its chunks); one already there is skipped.  A
 * chunk written back with more than CHUNK ids is split: the pair's last chunk into full ones
 * (a new page's id is the pair's highest, so its chunks fill up from the end), any other into
 * even parts.  A chunk whose first id changes moves to its new key.
 */
static int postings_add(MDB_cursor *c, merge *m, uint64_t pair, const uint64_t *ids, size_t n)
{
	MDB_txn *txn = mdb_cursor_txn(c);
	MDB_dbi d = mdb_cursor_dbi(c);
	size_t i = 0;
	while (i < n) {
		MDB_val k, v, nk, nv;
		uint64_t first = 0, limit = UINT64_MAX;
		size_t have = 0;
		int found = chunk_find(c, pair, ids[i], &k, &v) != 0;
		if (found) {
			first = chunk_first(&k);
			have = v.mv_size / 8;
			if (mdb_cursor_get(c, &nk, &nv, MDB_NEXT) == 0 && chunk_of(&nk, pair))
				limit = chunk_first(&nk);
		}
		size_t j = i;
		while (j < n && ids[j] < limit)
			j++;
		/* the chunk's ids and the new ones, merged: in the buffer's second half */
		if (2 * (have + j - i) > m->buf_cap) {
			m->buf_cap = 2 * (have + j - i);
			m->buf = zc_realloc(m->buf, m->buf_cap * sizeof *m->buf);
		}
		uint64_t *old = m->buf, *out = m->buf + have;
		for (size_t x = 0; x < have; x++)
			old[x] = zc_key_u64((const char *)v.mv_data + x * 8);
		size_t a = 0, b = i, total = 0;
		while (a < have || b < j) {
			if (b == j || (a < have && old[a] < ids[b]))
				out[total++] = old[a++];
			else if (a == have || ids[b] < old[a])
				out[total++] = ids[b++];
			else {
				out[total++] = old[a++];	/* there already */
				b++;
			}
		}
		i = j;
		if (total == have)
			continue;
		int mrc;
		if (found && first != out[0]) {
			unsigned char kb[16];
			chunk_key(pair, first, kb);
			MDB_val ok = {16, kb};
			if ((mrc = mdb_del(txn, d, &ok, NULL)) != 0)
				return db_err(mrc);
		}
		size_t pieces = (total + CHUNK - 1) / CHUNK;
		size_t per = limit == UINT64_MAX ? CHUNK : (total + pieces - 1) / pieces;
		for (size_t s = 0; s < total; s += per) {
			size_t cnt = total - s < per ? total - s : per;
			unsigned char kb[16];
			chunk_key(pair, out[s], kb);
			MDB_val pk = {16, kb}, pv = {cnt * 8, NULL};
			if ((mrc = mdb_put(txn, d, &pk, &pv, MDB_RESERVE)) != 0)
				return db_err(mrc);
			for (size_t x = 0; x < cnt; x++)
				zc_u64_key(out[s + x], (unsigned char *)pv.mv_data + x * 8);
		}
	}
	return ZC_OK;
}

static int merge_load(zc_txn *t, void *arg)
{
	merge *m = arg;
	MDB_cursor *q;
	MDB_val k, val;
	m->n = m->pages = 0;
	if (mdb_cursor_open(t->txn, dbi(t, ZC_T_PAIRQ), &q) != 0)
		return ZC_EDB;
	int mrc = mdb_cursor_get(q, &k, &val, MDB_FIRST);
	while (mrc == 0) {
		size_t np = val.mv_size / 8;
		if (m->n && m->n + np > MERGE_POSTINGS)
			break;
		if (m->n + np > m->cap) {
			m->cap = m->n + np > MERGE_POSTINGS ? m->n + np : MERGE_POSTINGS;
			m->v = zc_realloc(m->v, m->cap * sizeof *m->v);
		}
		m->last = zc_key_u64(k.mv_data);
		if (++m->pages % TRIM_PAIRS == 0)
			zc_index_trim(m->idx);
		for (size_t i = 0; i < np; i++) {
			memcpy(&m->v[m->n].pair, (const char *)val.mv_data + i * 8, 8);
			m->v[m->n++].id = m->last;
		}
		mrc = mdb_cursor_get(q, &k, &val, MDB_NEXT);
	}
	mdb_cursor_close(q);
	return mrc == 0 || mrc == MDB_NOTFOUND ? ZC_OK : db_err(mrc);
}

static void ids_room(merge *m, size_t n)
{
	if (n > m->ids_cap) {
		m->ids_cap = n;
		m->ids = zc_realloc(m->ids, n * sizeof *m->ids);
	}
}

static int merge_step(zc_txn *t, void *arg)
{
	merge *m = arg;
	size_t i = m->at, pairs = 0;
	int rc = ZC_OK;
	MDB_cursor *c;
	if (mdb_cursor_open(t->txn, dbi(t, ZC_T_POSTINGS), &c) != 0)
		return ZC_EDB;
	while (i < m->n && rc == ZC_OK && pairs < MERGE_PAIRS) {
		if (++pairs % TRIM_PAIRS == 0)
			zc_index_trim(m->idx);
		/* one pair: its pages' ids, ascending (the queue is read in page order and the sort
		   is stable) */
		size_t j = i + 1;
		while (j < m->n && m->v[j].pair == m->v[i].pair)
			j++;
		ids_room(m, j - i);
		for (size_t x = i; x < j; x++)
			m->ids[x - i] = m->v[x].id;
		rc = postings_add(c, m, m->v[i].pair, m->ids, j - i);
		i = j;
	}
	mdb_cursor_close(c);
	m->end = i;
	if (rc == ZC_OK && i == m->n) {
		/* the batch is in postings: its pages leave the queue */
		MDB_cursor *q;
		MDB_val k, val;
		if (mdb_cursor_open(t->txn, dbi(t, ZC_T_PAIRQ), &q) != 0)
			return ZC_EDB;
		int mrc;
		for (size_t d = 1; (mrc = mdb_cursor_get(q, &k, &val, MDB_FIRST)) == 0 && zc_key_u64(k.mv_data) <= m->last; d++) {
			if ((mrc = mdb_cursor_del(q, 0)) != 0)
				break;
			if (d % TRIM_PAIRS == 0)
				zc_index_trim(m->idx);
		}
		mdb_cursor_close(q);
		if (mrc != 0 && mrc != MDB_NOTFOUND)
			rc = db_err(mrc);
	}
	return rc;
}

/* Schema 3's grams into postings, MERGE_PAIRS pairs a transaction, each pair's ids added and
   its key deleted in the same one; the transaction that finds grams empty drops the table. */
static int grams_step(zc_txn *t, void *arg)
{
	merge *m = arg;
	MDB_cursor *g, *c;
	MDB_val k, v;
	int rc = ZC_OK, mrc = 0;
	if (mdb_cursor_open(t->txn, t->idx->grams, &g) != 0)
		return ZC_EDB;
	if (mdb_cursor_open(t->txn, dbi(t, ZC_T_POSTINGS), &c) != 0) {
		mdb_cursor_close(g);
		return ZC_EDB;
	}
	for (size_t pairs = 0; pairs < MERGE_PAIRS; pairs++) {
		if (pairs % TRIM_PAIRS == TRIM_PAIRS - 1)
			zc_index_trim(m->idx);
		if ((mrc = mdb_cursor_get(g, &k, &v, MDB_FIRST)) != 0)
			break;
		uint64_t pair = grams_pair(&k);
		size_t n = 0;
		for (mrc = mdb_cursor_get(g, &k, &v, MDB_GET_MULTIPLE); mrc == 0;
		     mrc = mdb_cursor_get(g, &k, &v, MDB_NEXT_MULTIPLE)) {
			ids_room(m, n + v.mv_size / 8);
			for (size_t x = 0; x < v.mv_size / 8; x++)
				m->ids[n++] = zc_key_u64((const char *)v.mv_data + x * 8);
		}
		if (mrc != MDB_NOTFOUND)
			break;
		/* a damaged key has no pair to move its ids to: it goes */
		if (pair && (rc = postings_add(c, m, pair, m->ids, n)) != ZC_OK)
			break;
		/* the key and all its ids, the cursor put back on it first */
		if ((mrc = mdb_cursor_get(g, &k, &v, MDB_FIRST)) != 0 || (mrc = mdb_cursor_del(g, MDB_NODUPDATA)) != 0)
			break;
	}
	mdb_cursor_close(c);
	mdb_cursor_close(g);
	if (rc == ZC_OK && mrc == MDB_NOTFOUND) {
		/* empty: the table goes, and with it this handle (whatever the commit says, the next
		   open finds the table or not) */
		t->idx->have_grams = 0;
		mrc = mdb_drop(t->txn, t->idx->grams, 1);
	}
	return rc != ZC_OK ? rc : db_err(mrc == MDB_NOTFOUND ? 0 : mrc);
}

static int queued_count(zc_txn *t, void *arg)
{
	return zc_tx_count(t, ZC_T_PAIRQ, arg);
}

int zc_index_merge_pairs(zc_index *idx, struct zc_progress *prog)
{
	merge m = {.idx = idx};
	int rc = ZC_OK;
	uint64_t queued = 0, merged = 0;
	if (prog && prog->on)
		zc_index_read(idx, queued_count, &queued);
	/* the merge's transactions need not reach the disk one by one: a system crash may undo
	   the last of them, which the next merge does again; LMDB stays consistent (ACI) */
	if (mdb_env_set_flags(idx->env, MDB_NOMETASYNC, 1) != 0)
		return ZC_EDB;
	for (size_t moved = 0; idx->have_grams && rc == ZC_OK; moved += MERGE_PAIRS) {
		zc_progress_show(prog, "moving the character-pair index to its new layout: %zu pairs", moved);
		rc = zc_index_write(idx, grams_step, &m);
		zc_index_trim(idx);
	}
	while (rc == ZC_OK) {
		if ((rc = zc_index_read(idx, merge_load, &m)) != ZC_OK || m.pages == 0)
			break;
		sort_by_pair(m.v, m.n, sizeof *m.v);	/* stable: ids stay in order within a pair */
		m.at = 0;
		do {
			zc_progress_show(prog, "indexing the new pages' text: %llu of %llu pages",
					 (unsigned long long)merged + (m.n ? m.pages * m.at / m.n : 0),
					 (unsigned long long)queued);
			rc = zc_index_write(idx, merge_step, &m);
			zc_index_trim(idx);
			m.at = m.end;
		} while (rc == ZC_OK && m.at < m.n);
		if (rc != ZC_OK)
			break;
		merged += m.pages;
	}
	zc_progress_end(prog);
	if (mdb_env_set_flags(idx->env, MDB_NOMETASYNC, 0) != 0 && rc == ZC_OK)
		rc = ZC_EDB;
	free(m.v);
	free(m.ids);
	free(m.buf);
	return rc;
}

int zc_tx_page_store(zc_txn *t, const char *url, json_t *page, uint64_t *id, int *is_new)
{
	int rc = zc_tx_page_id(t, url, id);
	*is_new = 0;
	if (rc == ZC_ENOTFOUND) {
		unsigned char k[8];
		*id = zc_tx_page_max(t) + 1;
		*is_new = 1;
		zc_u64_key(*id, k);
		rc = zc_tx_put(t, ZC_T_URLS, url, strlen(url), k, 8);
	}
	if (rc != ZC_OK)
		return rc;
	json_object_set_new(page, "id", json_integer((json_int_t)*id));
	rc = zc_tx_page_put(t, *id, page);
	/* a changed page keeps the pairs of its old text in postings: queries confirm on the text */
	if (rc == ZC_OK)
		rc = pairs_queue(t, page, *id);
	return rc;
}

int zc_tx_meta_get(zc_txn *t, const char *name, char **val)
{
	return zc_tx_get(t, ZC_T_META, name, strlen(name), val, NULL);
}

int zc_tx_meta_put(zc_txn *t, const char *name, const char *val)
{
	return zc_tx_put(t, ZC_T_META, name, strlen(name), val, strlen(val));
}

static size_t frontier_key(const char *host, uint64_t seq, unsigned char *out, size_t cap)
{
	size_t hl = strlen(host);
	if (hl + 9 > cap)
		hl = cap - 9;
	memcpy(out, host, hl);
	out[hl] = '\0';
	zc_u64_key(seq, out + hl + 1);
	return hl + 9;
}

int zc_tx_frontier_push(zc_txn *t, const char *host, json_t *req, const char *seen_key, int *added)
{
	int rc;
	*added = 0;
	if (seen_key) {
		size_t kl = strlen(seen_key);
		rc = zc_tx_get(t, ZC_T_SEEN, seen_key, kl, NULL, NULL);
		if (rc == ZC_OK)
			return ZC_OK;
		if (rc != ZC_ENOTFOUND)
			return rc;
		if ((rc = zc_tx_put(t, ZC_T_SEEN, seen_key, kl, "", 0)) != ZC_OK)
			return rc;
	}
	/* the next sequence number: one counter for all hosts, in meta */
	char *v = NULL;
	uint64_t seq = 1;
	if (zc_tx_meta_get(t, "frontier_seq", &v) == ZC_OK)
		seq = strtoull(v, NULL, 10) + 1;
	free(v);
	char num[24];
	snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
	if ((rc = zc_tx_meta_put(t, "frontier_seq", num)) != ZC_OK)
		return rc;
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	rc = put_record(t, ZC_T_FRONTIER, key, kl, req);
	if (rc == ZC_OK)
		*added = 1;
	/* a push walks three trees (seen, meta, frontier), each page read mapping its neighbours,
	   and one search answer pushes some twenty requests: look at the mapped pages after each */
	zc_index_trim(t->idx);
	return rc;
}

int zc_tx_frontier_peek(zc_txn *t, const char *host, uint64_t after, uint64_t *seq, json_t **req)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, after + 1, key, sizeof key);
	size_t plen = kl - 8;
	MDB_cursor *c;
	MDB_val k = {kl, key}, v;
	*req = NULL;
	int mrc = mdb_cursor_open(t->txn, dbi(t, ZC_T_FRONTIER), &c);
	if (mrc != 0)
		return db_err(mrc);
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	int rc = ZC_ENOTFOUND;
	if (mrc == 0 && k.mv_size == kl && memcmp(k.mv_data, key, plen) == 0) {
		*seq = zc_key_u64((const char *)k.mv_data + plen);
		*req = zc_record_parse(v.mv_data, v.mv_size);
		rc = *req ? ZC_OK : ZC_EPARSE;
	}
	mdb_cursor_close(c);
	return rc;
}

static int count_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	(void)val;
	(void)vlen;
	uint64_t *n = arg;	/* n[0] counted, n[1] cap */
	return ++n[0] >= n[1];
}

uint64_t zc_tx_frontier_count(zc_txn *t, const char *host, uint64_t cap)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, 0, key, sizeof key);
	uint64_t n[2] = {0, cap};
	if (cap)
		zc_tx_scan(t, ZC_T_FRONTIER, key, kl - 8, count_one, n);
	return n[0];
}

int zc_tx_frontier_del(zc_txn *t, const char *host, uint64_t seq)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	return zc_tx_del(t, ZC_T_FRONTIER, key, kl);
}

int zc_tx_frontier_replace(zc_txn *t, const char *host, uint64_t seq, json_t *req)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	return put_record(t, ZC_T_FRONTIER, key, kl, req);
}

void zc_tx_stage(zc_txn *t, int on)
{
	t->staging = on && t->idx->have1;
}

int zc_tx_stage_reset(zc_txn *t)
{
	int rc = ZC_OK;
	zc_tx_stage(t, 1);
	for (int i = 0; i < ZC_T_COUNT && rc == ZC_OK; i++)
		if (rebuilt(i))
			rc = zc_tx_clear(t, (enum zc_table)i);
	return rc;
}

int zc_tx_publish(zc_txn *t)
{
	int next = t->gen ^ 1;
	int rc = zc_tx_put(t, ZC_T_META, "generation", 10, next ? "1" : "0", 1);
	if (rc == ZC_OK) {
		t->gen = next;
		t->staging = 0;
	}
	return rc;
}

/* LMDB does not tell where it mapped the file (me_mapaddr is set for MDB_FIXEDMAP only): the
   mapping is the one of data.mdb's inode in /proc/self/maps, looked up again when the map grows */
static void find_map(zc_index *idx, size_t mapsize)
{
	mdb_filehandle_t fd;
	struct stat st;
	idx->map = NULL;
	idx->map_len = 0;
	idx->map_for = mapsize;
	MDB_stat ms;
	if (mdb_env_stat(idx->env, &ms) != 0 || mdb_env_get_fd(idx->env, &fd) != 0 || fstat(fd, &st) != 0)
		return;
	idx->psize = ms.ms_psize;
	FILE *maps = fopen("/proc/self/maps", "r");
	if (!maps)
		return;
	char line[512];
	while (fgets(line, sizeof line, maps)) {
		unsigned long lo, hi, ino;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %lu", &lo, &hi, &ino) == 3 && ino == (unsigned long)st.st_ino &&
		    ino != 0 && strstr(line, "/data.mdb") && hi - lo > idx->map_len) {
			idx->map = (void *)lo;
			idx->map_len = hi - lo;
		}
	}
	fclose(maps);
}

/* pages of files resident in this process (the database's and the libraries'), or -1 when
   the system does not say */
static long file_pages(const zc_index *idx)
{
	char buf[128];
	ssize_t n = idx->statm >= 0 ? pread(idx->statm, buf, sizeof buf - 1, 0) : -1;
	long shared;
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "size resident shared ...": the third number, read with strtol (this runs some 5,000
	   times a crawl, and sscanf took 3,500 instructions a call to interpret its format) */
	char *p = buf, *end;
	for (int field = 0; field < 2; field++) {
		strtol(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	shared = strtol(p, &end, 10);
	return end == p ? -1 : shared;
}

void zc_index_trim(zc_index *idx)
{
	idx->reads = 0;
	long now = file_pages(idx);
	long budget = idx->flags & ZC_INDEX_RDONLY ? MAP_BUDGET_READER : MAP_BUDGET;
	if (now >= 0 && idx->file_base >= 0 && (now - idx->file_base) * idx->os_page < budget)
		return;
	MDB_envinfo info;
	if (mdb_env_info(idx->env, &info) != 0)
		return;
	if (!idx->map || idx->map_for != info.me_mapsize)
		find_map(idx, info.me_mapsize);
	size_t used = (size_t)(info.me_last_pgno + 1) * idx->psize;
	if (idx->map)
		madvise(idx->map, used < idx->map_len ? used : idx->map_len, MADV_DONTNEED);
	idx->file_base = file_pages(idx);
}

int zc_index_errno(const zc_index *idx)
{
	return idx->sys_errno;
}

char *zc_index_file(const zc_index *idx)
{
	return zc_asprintf("%s/corpus/data.mdb", idx->dir);
}

int zc_index_named_entries(zc_index *idx, const char *name, uint64_t *n)
{
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_stat st;
	*n = 0;
	int mrc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &txn);
	if (mrc != 0)
		return db_err(mrc);
	mrc = mdb_dbi_open(txn, name, 0, &dbi);
	if (mrc == 0 && (mrc = mdb_stat(txn, dbi, &st)) == 0)
		*n = st.ms_entries;
	mdb_txn_abort(txn);
	return mrc == MDB_NOTFOUND ? ZC_OK : db_err(mrc);
}
