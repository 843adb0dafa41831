/* env.c - the LMDB environment: opening a corpus, the crawl lock, transactions and generations (see index.h). */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const TABLE_NAMES[ZC_T_COUNT] = {
	"meta", "pages", "urls", "fetch", "frontier", "seen", "dupkey", "abolished", "jy",
	"filecode", "entries", "postings", "decisions", "near", "pairq", "codings",
};

static void read_generation(zc_txn *t)
{
	MDB_val k = {10, "generation"}, v;
	t->gen = mdb_get(t->txn, dbi(t, ZC_T_META), &k, &v) == 0 && v.mv_size == 1 && *(char *)v.mv_data == '1';
}

#define INITIAL_MAP ((size_t)1 << 30)

const char *zc_index_dir(const zc_index *idx)
{
	return idx->dir;
}

/* the environment of path (CORPUS/corpus) made and opened, its map at least the file's size
   (size, 0 when new); a file cut short of its last page refused (ZC_EDAMAGED) */
static int env_open(zc_index *idx, const char *path, size_t size)
{
	int mrc;
	if ((mrc = mdb_env_create(&idx->env)) != 0)
		return zc_db_err(mrc);
	if ((mrc = mdb_env_set_maxdbs(idx->env, 2 * ZC_T_COUNT + 4)) != 0 ||
	    (mrc = mdb_env_set_maxreaders(idx->env, 126)) != 0)
		return zc_db_err(mrc);
	/* the map is at least the file's size; start at 1 GiB and double on demand */
	idx->mapsize = size > INITIAL_MAP ? size : INITIAL_MAP;
	if ((mrc = mdb_env_set_mapsize(idx->env, idx->mapsize)) != 0)
		return zc_db_err(mrc);
	if ((mrc = mdb_env_open(idx->env, path, (idx->flags & ZC_INDEX_RDONLY) ? MDB_RDONLY : 0, 0644)) != 0)
		return zc_db_err(mrc);
	/* a file shorter than its last page (cut short by a copy, a full disk outside LMDB, a
	   truncate) is mapped whole, and reading a page past its end is SIGBUS: refused */
	MDB_envinfo info;
	MDB_stat est;
	struct stat now;
	char *file = zc_asprintf("%s/data.mdb", path);
	int cut = mdb_env_info(idx->env, &info) == 0 && mdb_env_stat(idx->env, &est) == 0 && stat(file, &now) == 0 &&
		  (unsigned long long)now.st_size < ((unsigned long long)info.me_last_pgno + 1) * est.ms_psize;
	free(file);
	if (cut)
		return ZC_EDAMAGED;
	/* readers left by killed processes: clearing them only frees pages sooner, so a failure
	   here is no reason to refuse the corpus */
	int dead = 0;
	(void)mdb_reader_check(idx->env, &dead);
	return ZC_OK;
}

/* meta, and the corpus's schema into *version (0 when new): a corpus of a newer schema is
   refused before its tables are looked for */
static int open_meta(zc_index *idx, MDB_txn *txn, int *version)
{
	MDB_val k = {6, "schema"}, v;
	int mrc = mdb_dbi_open(txn, TABLE_NAMES[ZC_T_META], (idx->flags & ZC_INDEX_RDONLY) ? 0 : MDB_CREATE,
			       &idx->dbi[ZC_T_META]);
	*version = 0;
	if (mrc != 0)
		return zc_db_err(mrc);
	if ((mrc = mdb_get(txn, idx->dbi[ZC_T_META], &k, &v)) == 0) {
		char ver[16] = "";
		memcpy(ver, v.mv_data, v.mv_size < 15 ? v.mv_size : 15);
		long vl;
		*version = zc_parse_long(ver, 0, 1000000, &vl) == ZC_OK ? (int)vl : 0;
		if (*version > ZC_SCHEMA_VERSION)
			return ZC_ESCHEMA;
	}
	return mrc == 0 || mrc == MDB_NOTFOUND ? ZC_OK : zc_db_err(mrc);
}

/* the other tables: both generations of the rebuilt ones, and schema 3's grams while they last;
   read-only, a corpus older than some of them opens without them */
static int open_tables(zc_index *idx, MDB_txn *txn)
{
	unsigned create = (idx->flags & ZC_INDEX_RDONLY) ? 0 : MDB_CREATE;
	int rdonly = idx->flags & ZC_INDEX_RDONLY, mrc;
	for (int i = ZC_T_META + 1; i < ZC_T_COUNT; i++) {
		mrc = mdb_dbi_open(txn, TABLE_NAMES[i], create, &idx->dbi[i]);
		if (i == ZC_T_PAIRQ)
			idx->have_pairq = mrc == 0;
		if (i == ZC_T_POSTINGS)
			idx->have_postings = mrc == 0;
		if (i == ZC_T_CODINGS)
			idx->have_codings = mrc == 0;
		/* read-only, a corpus written before the queue (every pair is in grams) or before
		   postings (schema 3: every merged pair is in grams), or before the coding table */
		if (mrc == MDB_NOTFOUND && (i == ZC_T_PAIRQ || i == ZC_T_POSTINGS || i == ZC_T_CODINGS) && rdonly)
			continue;
		if (mrc != 0)
			return zc_db_err(mrc);
	}
	/* schema 3's character-pair index, one LMDB duplicate an id: read while it lasts, moved
	   into postings by the next merge (zc_index_merge_pairs) */
	mrc = mdb_dbi_open(txn, "grams", MDB_DUPSORT | MDB_DUPFIXED, &idx->grams);
	idx->have_grams = mrc == 0;
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return zc_db_err(mrc);
	idx->have1 = 1;
	for (int i = 0; i < ZC_T_COUNT; i++) {
		if (!rebuilt(i))
			continue;
		char name[32];
		snprintf(name, sizeof name, "%s.1", TABLE_NAMES[i]);
		mrc = mdb_dbi_open(txn, name, create, &idx->dbi1[i]);
		if (mrc == MDB_NOTFOUND && rdonly)
			idx->have1 = 0;	/* a corpus written before generations: only generation 0 */
		else if (mrc != 0)
			return zc_db_err(mrc);
	}
	return ZC_OK;
}

/* a new corpus, or an older one this zhengce may now write records of its own version into
   (1 -> 2 changes no record: see ZC_SCHEMA_VERSION), marked with this version */
static int mark_schema(zc_index *idx, MDB_txn *txn, int version)
{
	if (version >= ZC_SCHEMA_VERSION || (idx->flags & ZC_INDEX_RDONLY))
		return ZC_OK;
	char ver[16];
	snprintf(ver, sizeof ver, "%d", ZC_SCHEMA_VERSION);
	MDB_val k = {6, "schema"}, v = {strlen(ver), ver};
	return zc_db_err(mdb_put(txn, idx->dbi[ZC_T_META], &k, &v, 0));
}

int zc_index_open(const char *dir, unsigned flags, zc_index **out)
{
	zc_index *idx = zc_calloc(1, sizeof *idx);
	char *path = zc_asprintf("%s/corpus", dir);
	int rc = ZC_OK;
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
	int have = stat(data, &st) == 0, version;
	free(data);
	if (!(flags & ZC_INDEX_RDONLY)) {
		mkdir(dir, 0755);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			rc = zc_write_error(errno);
	} else if (!have || st.st_size < 2 * idx->os_page) {
		/* no corpus yet, also while the first crawl creates it: its directory made, its file
		   not there or shorter than LMDB's two meta pages (read, it would seem damaged) */
		rc = ZC_ENOTFOUND;
	}
	if (rc == ZC_OK)
		rc = env_open(idx, path, have ? (size_t)st.st_size : 0);
	if (rc == ZC_OK)
		rc = zc_db_err(mdb_txn_begin(idx->env, NULL, (flags & ZC_INDEX_RDONLY) ? MDB_RDONLY : 0, &txn));
	if (rc == ZC_OK && (rc = open_meta(idx, txn, &version)) == ZC_OK && (rc = open_tables(idx, txn)) == ZC_OK)
		rc = mark_schema(idx, txn, version);
	if (rc == ZC_OK) {
		rc = zc_db_err(mdb_txn_commit(txn));
		txn = NULL;
	}
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
	return zc_db_err(mdb_put(t->txn, dbi(t, ZC_T_META), &k, &v, 0));
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
			return zc_db_err(mrc);
		}
		read_generation(&t);
		int rc = fn(&t, arg);
		if (rc == ZC_OK && t.pages_put)
			rc = bump_pages_rev(&t);
		if (rc == ZC_OK) {
			mrc = mdb_txn_commit(t.txn);
			rc = zc_db_err(mrc);
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

int zc_index_read(zc_index *idx, zc_txn_fn fn, void *arg)
{
	zc_txn t = {idx, NULL, 0, 0, 0};
	int mrc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &t.txn);
	if (mrc == MDB_MAP_RESIZED && (mrc = mdb_env_set_mapsize(idx->env, 0)) == 0)
		mrc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &t.txn);
	if (mrc != 0)
		return zc_db_err(mrc);
	read_generation(&t);
	int rc = fn(&t, arg);
	mdb_txn_abort(t.txn);
	zc_counted_read(idx);
	return rc;
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
		return zc_db_err(mrc);
	mrc = mdb_dbi_open(txn, name, 0, &dbi);
	if (mrc == 0 && (mrc = mdb_stat(txn, dbi, &st)) == 0)
		*n = st.ms_entries;
	mdb_txn_abort(txn);
	return mrc == MDB_NOTFOUND ? ZC_OK : zc_db_err(mrc);
}
