/*
 * internal.h - what the files of index/ share and nothing outside index/ may include: the
 * environment and transaction structures, the tables and raw access to them.  Key formats and
 * record formats live in the index/ file of their concern; other modules use index.h.
 */
#ifndef ZC_INDEX_INTERNAL_H
#define ZC_INDEX_INTERNAL_H

#include <lmdb.h>
#include <stdint.h>

#include "index.h"

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

/* Tables rebuilt by every selection exist twice: generation 0 under the names above,
   generation 1 under NAME.1; meta "generation" says which one readers see.  A selection
   writes the other one in as many transactions as it needs and publishes it in one. */
static inline int rebuilt(int tb)
{
	return tb == ZC_T_DECISIONS || tb == ZC_T_DUPKEY || tb == ZC_T_ABOLISHED || tb == ZC_T_JY ||
	       tb == ZC_T_ENTRIES || tb == ZC_T_NEAR;
}

static inline MDB_dbi dbi(const zc_txn *t, int tb)
{
	if (rebuilt(tb) && (t->gen ^ t->staging) && t->idx->have1)
		return t->idx->dbi1[tb];
	return t->idx->dbi[tb];
}

/* LMDB's result code as ours (ZC_ENOTFOUND, ZC_EFULL, ZC_EDAMAGED, an errno, ZC_EDB). */
int zc_db_err(int rc);
/* One more read of a transaction or a walk: every few, a look at the mapped pages (trim.c). */
void zc_counted_read(zc_index *idx);
/* Stores val under key as a record (MessagePack, record.c). */
int zc_tx_put_record(zc_txn *t, enum zc_table tb, const void *key, size_t klen, json_t *val);
/* Queues the character pairs of a page's title and body for postings (pairs.c). */
int zc_pairs_queue(zc_txn *t, json_t *page, uint64_t id);

#endif
