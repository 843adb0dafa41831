/*
 * index.h - the corpus and the crawl state, in one LMDB environment (DIR/corpus/).
 *
 * This module owns every LMDB table (docs/SCHEMA.md).  Every write is one transaction: the
 * corpus is consistent at every instant, whatever kills the process.  Records are JSON
 * (jansson) so that mdb_dump shows them and a schema change is a key added, not a migration of
 * packed structs.  The map grows by itself when full; stale reader slots of dead processes are
 * cleared at open.
 *
 * Ownership: records read are typed (page.h, marks.h, selection.h, codings.h) and the caller's to clear;
 * json_t values returned through out-parameters are new references the caller json_decref()s;
 * json_t values passed in are borrowed.  Strings returned are the caller's to free().
 */
#ifndef ZC_INDEX_H
#define ZC_INDEX_H

#include <jansson.h>
#include <stdint.h>

/* The corpus's format (meta "schema", docs/SCHEMA.md).  2: a page record keeps its body after
   the JSON (zc_page_decode).  3: records are MessagePack, not JSON text (index/record.c).  Each
   version reads the records of the earlier ones as they are, and a writable open of an older
   corpus marks it with this version, so that an older zhengce refuses it instead of misreading
   the records it cannot read.  4: the character-pair index is postings, chunks of ids; the
   grams of 3 (one LMDB duplicate an id) are read while they last and moved into postings by
   the next zc_index_merge_pairs. */
#define ZC_SCHEMA_VERSION 4

#include "page.h"

typedef struct zc_index zc_index;
typedef struct zc_txn zc_txn;

enum { ZC_INDEX_RDONLY = 1 };

/* Opens (creating when absent and not read-only) the corpus under dir: ZC_ESCHEMA for a corpus
   of a later schema (a newer zhengce wrote it), ZC_EDAMAGED for a damaged file.  Like an
   allocation that fails (zc.h), OpenSSL failing to compute the SHA-256 of a long key (out of
   memory, or a configuration without its default provider) aborts the process, which loses
   nothing: every write is one transaction. */
int zc_index_open(const char *dir, unsigned flags, zc_index **out);
void zc_index_close(zc_index **idx);
const char *zc_index_dir(const zc_index *idx);

/*
 * The crawl lock (DIR/crawl.lock, flock): ZC_ELOCKED when another live process holds it; a
 * lock left by a dead process is free (the kernel drops it with the process).  *holder gets
 * the holder's pid when known.
 */
int zc_index_lock_crawl(const char *dir, int *fd, long *holder);
void zc_index_unlock_crawl(int *fd);

/*
 * Transactions.  zc_index_write() runs fn inside one write transaction and commits it when fn
 * returns 0; when the map is full it aborts, grows the map and runs fn again (so fn must not
 * keep side effects outside the transaction).  zc_index_read() runs fn in a read transaction.
 */
typedef int (*zc_txn_fn)(zc_txn *txn, void *arg);
int zc_index_write(zc_index *idx, zc_txn_fn fn, void *arg);
int zc_index_read(zc_index *idx, zc_txn_fn fn, void *arg);
/* The system's error (an errno: ENOSPC, EIO) of the last write transaction that failed to begin
   or commit, 0 when its failure was LMDB's own or it succeeded; and the file it writes (free()
   it): what a message about a failed write names. */
int zc_index_errno(const zc_index *idx);
/* Records in the database named name (0 when there is none): a table of a later schema, as the
   coding table ("codings", docs/SCHEMA.md) that renumber must not orphan. */
int zc_index_named_entries(zc_index *idx, const char *name, uint64_t *n);
char *zc_index_file(const zc_index *idx);

/*
 * Generations.  The tables a selection rebuilds (decisions, dupkey, abolished, jy, entries,
 * near) exist twice; readers see the published generation.  zc_tx_stage(t, 1) makes this
 * transaction's access to those tables reach the other generation, which a selection fills
 * in as many transactions as it needs (its memory stays bounded); zc_tx_publish() makes that
 * generation the one readers see, atomically with the rest of the transaction.
 */
void zc_tx_stage(zc_txn *t, int on);
/* Stages this transaction and empties the unpublished generation: a selection starts here. */
int zc_tx_stage_reset(zc_txn *t);
int zc_tx_publish(zc_txn *t);

/*
 * Keeps the pages of the database file mapped into this process from growing its resident set:
 * once the process's file-backed pages exceed by 1 MB (8 MB for a read-only index) what they
 * were after the last drop, the mapped database pages are dropped (they stay in the page cache
 * and come back on the next access).  Long walks call it every few records (zc_tx_scan,
 * zc_tx_pages_each, zc_tx_pairs_find and zc_index_query do so themselves); a call that drops
 * nothing costs one pread.
 */
void zc_index_trim(zc_index *idx);

/*
 * Pages: the documents as fetched, one per URL (zc_page, page.h).  A page record is written by
 * the crawl only; what selection makes of it (zc_decision: decision, reason, evidence,
 * canonical_url, sources, file_code, entries, criteria) is a separate, small decision record,
 * so that re-selecting rewrites a few hundred bytes per page, not the page.  zc_tx_page_get()
 * and the walks give the page with its decision (page->dec).  A page read is the caller's to
 * zc_page_clear(); one an iterator passes is borrowed for the call.
 */
int zc_tx_page_get(zc_txn *t, uint64_t id, zc_page *page);
/* What zc_tx_page_read() and zc_tx_pages_walk() read: with ZC_PAGE_BODY the document's text
   too; without it doc.body is "", and the text (most of a page record) is neither copied nor
   checked, for callers that never look at it (export, the query table).  A page read without
   its body is not to be written back. */
enum { ZC_PAGE_BODY = 1 };
int zc_tx_page_read(zc_txn *t, uint64_t id, unsigned flags, zc_page *page);
/* The page record alone (its dec empty), with its body: selection, which has the decision at
   hand, and a merge, which writes it elsewhere. */
int zc_tx_page_record(zc_txn *t, uint64_t id, zc_page *page);
/* The page's body (doc.body) as a new string of *len bytes (free() it), read from the record
   without decoding the rest (a record of version 1 is decoded); ZC_EPARSE when it is not
   UTF-8. */
int zc_tx_page_body(zc_txn *t, uint64_t id, char **body, size_t *len);
/* Any other record's stored bytes (MessagePack, or the JSON of schema 1 and 2) as the value;
   NULL when it does not read. */
json_t *zc_record_parse(const void *v, size_t n);
typedef int (*zc_page_each_fn)(const zc_page *page, void *arg);
/* Every page, with its decision, in id order; fn returns non-zero to stop. */
int zc_tx_pages_each(zc_txn *t, zc_page_each_fn fn, void *arg);
int zc_tx_pages_walk(zc_txn *t, unsigned flags, zc_page_each_fn fn, void *arg);
/* The pages of ids[0..n), in that order, with their decisions (one that does not read is
   skipped); fn returns non-zero to stop, and that is then the result. */
int zc_tx_pages_read(zc_txn *t, const uint64_t *ids, size_t n, unsigned flags, zc_page_each_fn fn, void *arg);
/* A page's decision (zc_decision_clear() it). */
int zc_tx_decision_get(zc_txn *t, uint64_t id, zc_decision *decision);
/* The decision only when its stored bytes hold the field key with the string value, or the
   field key at all when value is NULL (e.g. "reason", "duplicate"), else ZC_ENOTFOUND: a pass
   that needs a few of the records skips decoding the others, and checks the field itself in
   those it gets, since the bytes may also stand elsewhere in the record (the criteria's
   "decision" beside the final one).  A NULL key reads any record (zc_tx_decision_get). */
int zc_tx_decision_get_if(zc_txn *t, uint64_t id, const char *key, const char *value, zc_decision *decision);
/* Writes a decision: the one read, its fields as they are now (its unknown fields kept), or a
   new one. */
int zc_tx_decision_put(zc_txn *t, uint64_t id, const zc_decision *decision);
/* Writes page under id (its id field becomes id). */
int zc_tx_page_put(zc_txn *t, uint64_t id, const zc_page *page);
int zc_tx_page_id(zc_txn *t, const char *url, uint64_t *id);
/* Stores a page for url: a new id when the URL is new, else replaces the record. */
int zc_tx_page_store(zc_txn *t, const char *url, const zc_page *page, uint64_t *id, int *is_new);
/* Highest page id assigned (0 when empty). */
uint64_t zc_tx_page_max(zc_txn *t);
/* A number that moves with every transaction that writes a page record (0 before the first):
   a selection that records it can tell, later, whether any page changed since. */
uint64_t zc_tx_pages_rev(zc_txn *t);

/*
 * Keyword search: calls fn with the id of every page whose title or body held all the
 * character pairs of word when it was stored (candidates: the caller confirms on the text).
 * The pages are walked from the word's rarest pair, so a rare word costs about as many
 * look-ups as it has candidates.  ZC_EUSAGE when word has no two word characters side by side
 * (scan instead).
 */
int zc_tx_pairs_find(zc_txn *t, const char *word, int (*fn)(uint64_t id, void *arg), void *arg);

/*
 * Storing a page queues its character pairs (pairq, one append per page) instead of inserting
 * them into postings, whose inserts would reach pages all over the index for every stored page.
 * zc_index_merge_pairs() moves the queue into postings in pair order, a bounded number of pairs
 * per transaction (the crawl calls it at its end); each step is idempotent, so a kill at any
 * moment leaves pairs queued or merged, never lost.  Searches read both.  A corpus of schema 3
 * has its grams moved into postings first, the same way.  prog (may be NULL) shows how many
 * queued pages are merged.
 */
struct zc_progress;
int zc_index_merge_pairs(zc_index *idx, struct zc_progress *prog);

/*
 * Queries (query, export, entries, stats).  A zc_query names what a researcher filters on;
 * fields left NULL or 0 match anything.  A string field may be a comma-separated list: a page
 * matches when one item does (OR within a field, AND between fields).
 */
enum zc_query_which { ZC_Q_INCLUDED, ZC_Q_EXCLUDED, ZC_Q_ALL };
typedef struct zc_query {
	const char *jurisdiction;	/* code ("33" for Zhejiang, "00" national), or codes */
	int y1, y2;			/* years, inclusive: the written date's, else the published date's */
	const char *issuer;		/* a substring of one of the issuers */
	const char *type;		/* the document type, exactly (通知, 意见, …) */
	const char *keyword;		/* a substring of the title or the body */
	enum zc_query_which which;	/* included documents (the default), excluded ones, or all */
	int body;			/* fn reads doc.body; else it is "" (a keyword reads it anyway) */
} zc_query;
/* Whether a page (with its decision, as zc_tx_page_get() gives it) matches. */
int zc_query_matches(const zc_query *q, const zc_page *page);
/*
 * Calls fn, in one read transaction, with every page that matches (merged with its decision).
 * Candidates come from an index where one applies: the character-pair index for a keyword of
 * two characters or more, the jurisdiction-year index for a jurisdiction's included documents,
 * the decision records (a few hundred bytes a page) for included documents otherwise; only
 * excluded or all pages without a keyword read every page.  Each candidate is confirmed with
 * zc_query_matches().  The pages fn gets have their text (doc.body) only when q->body asks
 * for it or a keyword needed it: an export of every page reads 9% fewer instructions without.
 * fn returns non-zero to stop the walk, and zc_index_query() then returns that value.
 * The order: by jurisdiction (00, then the provinces' codes); within one, the included
 * documents by file code as a number (00-2 before 00-10), then the others in page order.
 */
int zc_index_query(zc_index *idx, const zc_query *q, zc_page_each_fn fn, void *arg);
/*
 * The entries of the included documents q matches, document by document in the order of
 * zc_index_query(), each document's by section and item as numbers (00-29-2-1, 00-29-10-1);
 * fn gets the entry and its page, both borrowed for the call.  fn returns non-zero to stop,
 * and that is then the result.
 */
typedef int (*zc_entry_each_fn)(const zc_entry *entry, const zc_page *page, void *arg);
int zc_index_entries(zc_index *idx, const zc_query *q, zc_entry_each_fn fn, void *arg);
/*
 * Codes (docs/SCHEMA.md).  A document's code "JJ-N" and an entry's "JJ-N-S-I" as a researcher
 * types them: the jurisdiction in one digit or two ("9-3" is "09-3"), no leading zeros in the
 * numbers needed.  zc_code_parse() says which it is: 2 (a document), 4 (an entry), else 0 (not
 * a code), with the numbers in n[0..3].  zc_tx_code_page() gives the page a document code
 * names, zc_tx_entry_get() the entry an entry code names (zc_entry_clear() it); ZC_ENOTFOUND
 * when there is none.
 */
int zc_code_parse(const char *code, long n[4]);
int zc_tx_code_page(zc_txn *t, const char *code, uint64_t *id);
int zc_tx_entry_get(zc_txn *t, const char *code, zc_entry *entry);
/*
 * Calls fn with the decision record of every page in the selection this transaction sees
 * (docs/SCHEMA.md: decision, reason, jurisdiction, date, entries, file code), in page id
 * order: what counts need, without reading the pages' text.  fn returns non-zero to stop, and
 * that is then the result.
 */
typedef int (*zc_decision_each_fn)(const zc_decision *decision, void *arg);
int zc_tx_decisions_each(zc_txn *t, zc_decision_each_fn fn, void *arg);

/*
 * check: calls fn with every stored page record, in id order, and what the index says of it:
 * whether the record reads, whether the URL index points at it, and for an included document
 * whether its file code does.  fn returns non-zero to stop, and that is then the result.
 */
typedef struct zc_page_check {
	uint64_t id;
	const zc_page *page;	/* the page record as stored (borrowed for the call); NULL: it does not read */
	int url_ok;		/* the URL index points at this page */
	int included;		/* its decision includes it */
	const char *file_code;	/* the included document's code ("JJ-N"), else NULL */
	int code_ok;		/* the file-code index points at this page */
} zc_page_check;
typedef int (*zc_page_check_fn)(const zc_page_check *pc, void *arg);
int zc_tx_pages_check(zc_txn *t, zc_page_check_fn fn, void *arg);
/* Page records stored. */
int zc_tx_pages_count(zc_txn *t, uint64_t *n);


#include "fetch.h"
#include "frontier.h"
#include "marks.h"
#include "selection.h"
#include "codings.h"

#endif
