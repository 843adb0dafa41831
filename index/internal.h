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
#include "../common/zc.h"

/* Tables a transaction can reach (see docs/SCHEMA.md). */
enum zc_table {
	ZC_T_META,	/* name -> value */
	ZC_T_PAGES,	/* page id (u64 BE) -> page record */
	ZC_T_URLS,	/* URL -> page id */
	ZC_T_FETCH,	/* URL -> fetch state (status, ETag, Last-Modified, digest, tries) */
	ZC_T_FRONTIER,	/* host NUL seq (u64 BE) -> request */
	ZC_T_SEEN,	/* request key -> "" (this crawl run) */
	ZC_T_DUPKEY,	/* dedup key -> page id of the canonical copy */
	ZC_T_ABOLISHED,	/* "JJ|D|docno" or "JJ|T|title" -> id of the abolishing page */
	ZC_T_JY,	/* jurisdiction(2) year(4) page id (u64 BE) -> "" (included) */
	ZC_T_FILECODE,	/* "JJ-N" -> page id; never deleted, so codes are never reused */
	ZC_T_ENTRIES,	/* entry code -> entry record */
	ZC_T_POSTINGS,	/* character pair (u64 BE) first id (u64 BE) -> up to 120 page ids (u64 BE) */
	ZC_T_DECISIONS,	/* page id (u64) -> decision record (what the profile made of the page) */
	ZC_T_NEAR,	/* jurisdiction|date -> [[page id, simhash, dedup key], …] (rebuilt) */
	ZC_T_PAIRQ,	/* page id (u64 BE) -> its distinct character pairs, not yet in postings */
	ZC_T_CODINGS,	/* entry code NUL ... -> coders' codings and final codes (index/codings.h) */
	ZC_T_COUNT
};

/* Raw access to one table: values are copied out (free() them). */
int zc_tx_get(zc_txn *t, enum zc_table tb, const void *key, size_t klen, char **val, size_t *vlen);
int zc_tx_put(zc_txn *t, enum zc_table tb, const void *key, size_t klen, const void *val, size_t vlen);
int zc_tx_del(zc_txn *t, enum zc_table tb, const void *key, size_t klen);
int zc_tx_clear(zc_txn *t, enum zc_table tb);
/* Calls fn for every key with the prefix, in key order; fn returns non-zero to stop. */
typedef int (*zc_scan_fn)(const void *key, size_t klen, const void *val, size_t vlen, void *arg);
int zc_tx_scan(zc_txn *t, enum zc_table tb, const void *prefix, size_t plen, zc_scan_fn fn, void *arg);
/* Entries in a table. */
int zc_tx_count(zc_txn *t, enum zc_table tb, uint64_t *n);
/* Whether the table exists: a read-only open of a corpus written before it (the coding table)
   has none, and reads of it find nothing. */
int zc_tx_has(zc_txn *t, enum zc_table tb);

/* Records: JSON values, stored as MessagePack (schema 3) or JSON text (1 and 2) */
int zc_tx_get_json(zc_txn *t, enum zc_table tb, const char *key, json_t **out);
/* The same for a record that must be an object: ZC_EPARSE (and *out NULL) when it is not. */
int zc_tx_get_object(zc_txn *t, enum zc_table tb, const char *key, json_t **out);
int zc_tx_put_json(zc_txn *t, enum zc_table tb, const char *key, json_t *val);

/* Meta values (strings). */
int zc_tx_meta_get(zc_txn *t, const char *name, char **val);
int zc_tx_meta_put(zc_txn *t, const char *name, const char *val);

/* A temporary file of record copies (spill.c): appended in one order, read back in another.
   Unlinked from the start; zc_spill_end() before the first zc_spill_get(). */
typedef struct zc_spill {
	int fd;
	zc_buf pending;		/* appended, not yet written */
	uint64_t size;		/* bytes appended */
} zc_spill;
int zc_spill_open(zc_spill *s);
int zc_spill_put(zc_spill *s, const void *p, size_t n, uint64_t *at);
int zc_spill_end(zc_spill *s);
int zc_spill_get(zc_spill *s, uint64_t at, size_t n, void *into);
void zc_spill_close(zc_spill *s);
/*
 * Pages read in an order of the caller's (a query's rows: jurisdiction by jurisdiction, each a
 * sweep over the whole pages table) map a fresh stretch of the file for almost every record,
 * some 90 KB, dropped again by zc_index_trim before the next sweep comes by: an export of
 * 100,000 pages took 230,000 page faults, a third of its CPU.  So a walk of zc_spill_min pages
 * or more reads them in one pass in id order, copying what it needs of each (the page without
 * its body, unless the walk reads bodies; the decision record) to a spill, and then reads them
 * from there in its own order (page.c).
 *
 * zc_tx_pages_copy copies the pages of ids[0..n) (ascending, distinct), or with ids NULL every
 * page of the table (one cursor pass), telling fn of each copy as it is made: its index, its
 * page id and its decision record's bytes (NULL, 0 when it has none), valid during the call.
 * A page that is not there is not copied.  ZC_EIO etc. when the spill cannot be made or written
 * (*out NULL; the caller then reads the pages where they are).  zc_tx_copies_walk hands the
 * copies order[0..n) to fn as zc_tx_pages_read would the pages (read in place without their
 * bodies, unless the copy was made with ZC_PAGE_BODY).
 */
extern size_t zc_spill_min;	/* page.c; the tests set 0 (always) or SIZE_MAX (never) */
typedef struct zc_copies zc_copies;
typedef void (*zc_copied_fn)(size_t i, uint64_t id, const void *dec, size_t dlen, void *arg);
int zc_tx_pages_copy(zc_txn *t, const uint64_t *ids, size_t n, unsigned flags, zc_copied_fn fn, void *arg, zc_copies **out);
int zc_tx_copies_walk(zc_txn *t, zc_copies *c, const size_t *order, size_t n, zc_page_each_fn fn, void *arg);
void zc_copies_free(zc_copies **c);

/* Big-endian u64 keys. */
void zc_u64_key(uint64_t v, unsigned char out[8]);
uint64_t zc_key_u64(const void *key);

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
/* A record's field "warc" as the place (its strings borrowed from w; w may be NULL: none), and
   the place as that field's value, written over old's (its other fields kept; may be NULL):
   file, offset and record_id always, skip and payload_record_id when they hold something
   (place.c). */
void zc_place_of(json_t *w, zc_warc_place *out);
json_t *zc_place_value(json_t *old, const zc_warc_place *p);
/* Records' stored bytes as the struct (selection.c): ZC_OK or ZC_EPARSE (zc_decision_decode:
   page.h). */
int zc_entry_decode(const void *v, size_t n, zc_entry *e);
/* The entry record under its code (selection.c). */
int zc_entry_get(zc_txn *t, const char *code, zc_entry *e);
/* Queues the character pairs of a page's title and body for postings (pairs.c). */
int zc_pairs_queue(zc_txn *t, const char *title, const char *body, uint64_t id);

#endif
