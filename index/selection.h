/*
 * selection.h - what a selection builds (included by index.h): the canonical copy of each
 * dedup key, the documents abolitions list, the documents without a number grouped for near
 * copies, the jurisdiction-year index, file codes, entries, and what meta keeps of the
 * selection (its counts, what it was made from, the profile, the searched keywords).  Keys and
 * records are private to index/selection.c.  All but file codes and the meta values live in
 * the generation a transaction reaches (zc_tx_stage).
 */
#ifndef ZC_INDEX_SELECTION_H
#define ZC_INDEX_SELECTION_H

#include <jansson.h>
#include <stdint.h>

/* The dedup key of a document (the key of the dupkey table, a decision's key): "D|docno" when
   it has a number, else "T|title|date", its title as the caller normalised it and its
   statistical date (title and date are read only when docno is "", and may then be NULL).
   Documents sharing a key are copies of one.  free() it. */
char *zc_dup_key(const char *docno, const char *title, const char *date);
/* Whether a dedup key is a document's number (else its title and date). */
int zc_dup_key_is_docno(const char *key);
/* The page id of the canonical copy of the documents sharing a dedup key. */
int zc_tx_dup_get(zc_txn *t, const char *key, uint64_t *id);
int zc_tx_dup_put(zc_txn *t, const char *key, uint64_t id);

/* A document an abolishing decision lists, by its number or its (normalised) title, in a
   jurisdiction: the key (free() it) under which the abolishing page is noted. */
enum zc_abolished_by { ZC_AB_DOCNO = 'D', ZC_AB_TITLE = 'T' };
char *zc_abolished_key(const char *juris, enum zc_abolished_by by, const char *text);
int zc_tx_abolished_get(zc_txn *t, const char *key, uint64_t *id);
int zc_tx_abolished_put(zc_txn *t, const char *key, uint64_t id);

/* Documents without a number, noted under their jurisdiction and date with their SimHash and
   dedup key; zc_tx_near_each() calls fn with each group of one jurisdiction and date, in key
   order (fn returns non-zero to stop, and that is then the result). */
typedef struct zc_near_doc {
	uint64_t id;
	unsigned long long simhash;
	const char *key;	/* "" when the record has none */
} zc_near_doc;
int zc_tx_near_note(zc_txn *t, const char *juris, const char *date, const zc_near_doc *d);
typedef int (*zc_near_fn)(const zc_near_doc *docs, size_t n, void *arg);
int zc_tx_near_each(zc_txn *t, zc_near_fn fn, void *arg);

/* The jurisdiction-year index: an included document under its jurisdiction and the year of
   its statistical date (zc_doc_date). */
int zc_tx_jy_add(zc_txn *t, const char *juris, const char *date, uint64_t id);

/* File codes: "JJ-N", the Nth document of jurisdiction JJ (free() it). */
char *zc_file_code(const char *juris, long n);
/* The page a code ("JJ-N", as zc_file_code() writes it) was given to. */
int zc_tx_file_code_get(zc_txn *t, const char *code, uint64_t *id);
int zc_tx_file_code_put(zc_txn *t, const char *juris, long n, uint64_t id);
/* The next code of a jurisdiction, one past the last given (which it becomes). */
int zc_tx_file_code_next(zc_txn *t, const char *juris, long *n);
/* Sets the last code given in a jurisdiction (renumber). */
int zc_tx_file_code_last_put(zc_txn *t, const char *juris, long n);
/* Forgets every code given: the file-code index and each jurisdiction's last code (renumber). */
int zc_tx_file_codes_clear(zc_txn *t);

/* Entries (zc_entry, page.h): the item of a section of an included document (doc_code
   "JJ-N"), under its code doc_code-section-item, which zc_tx_entry_put() gives it (e->code is
   not read; an entry read and written back under a new doc_code keeps its unknown fields).
   zc_tx_entries_all() calls fn with every entry in code order, borrowed for the call; fn
   returns non-zero to stop, and that is then the result. */
int zc_tx_entry_put(zc_txn *t, const zc_entry *e);
typedef int (*zc_entry_rec_fn)(const zc_entry *entry, void *arg);
int zc_tx_entries_all(zc_txn *t, zc_entry_rec_fn fn, void *arg);
int zc_tx_entries_clear(zc_txn *t);

/* The reasons an exclusion gives (a decision's reason, exactly one per excluded page), in the
   order the selection's counts keep them. */
#define ZC_NREASONS 9
extern const char *const ZC_REASONS[ZC_NREASONS];

/*
 * The meta records of the published selection, typed like page.h's: strings borrow from the
 * decoded record (own_; "" when absent, never NULL) until it is cleared; a record read and
 * written back keeps the fields this zhengce does not know; one built to be written has own_
 * NULL (init it), its strings the caller's, NULL read as "".  Getters give ZC_ENOTFOUND when
 * unset, ZC_EPARSE when the value is not a record.
 */
/* meta "selection": what the selection counted */
typedef struct zc_selection_counts {
	size_t pages, included, national, provincial, entries;
	size_t excluded[ZC_NREASONS];	/* pages excluded for the reason ZC_REASONS[i] */
	json_t *own_;
} zc_selection_counts;
void zc_selection_counts_init(zc_selection_counts *c);
void zc_selection_counts_clear(zc_selection_counts *c);
int zc_tx_selection_counts_get(zc_txn *t, zc_selection_counts *c);
int zc_tx_selection_counts_put(zc_txn *t, const zc_selection_counts *c);

/* meta "profile_record": the profile the selection applied, as exports and the report name it */
typedef struct zc_profile_record {
	const char *name;	/* the profile's name */
	const char *sha256;	/* of its canonical JSON (select.h zc_profile_hash) */
	const char *criteria;	/* the criteria in words */
	const char *zhengce;	/* the version of zhengce that selected */
	json_t *own_;
} zc_profile_record;
void zc_profile_record_init(zc_profile_record *r);
void zc_profile_record_clear(zc_profile_record *r);
int zc_tx_profile_record_get(zc_txn *t, zc_profile_record *r);

/* meta "search_keywords": the keywords the last complete crawl searched for, in its order (an
   item stored as no string is left out) */
typedef struct zc_search_keywords {
	const char **words;
	size_t n;
	json_t *own_;
} zc_search_keywords;
void zc_search_keywords_clear(zc_search_keywords *k);
int zc_tx_search_keywords_get(zc_txn *t, zc_search_keywords *k);
int zc_tx_search_keywords_put(zc_txn *t, const char *const *words, size_t n);

/* meta "selection_of": what the published selection was made from, the zhengce version, the
   pages' revision (zc_tx_pages_rev) and the profile as canonical JSON.  A NULL profile (one
   that could not be written out) says nothing: the value is removed.  zc_tx_selection_of_is()
   sets *same when the published selection was made from exactly these (0 when none says, or
   profile is NULL). */
int zc_tx_selection_of_put(zc_txn *t, const char *version, uint64_t pages_rev, const char *profile);
int zc_tx_selection_of_is(zc_txn *t, const char *version, uint64_t pages_rev, const char *profile, int *same);

/* Meta "profile": the name of the profile applied (its record is above).  ZC_ENOTFOUND when
   unset. */
int zc_tx_profile_get(zc_txn *t, char **name);
int zc_tx_profile_put(zc_txn *t, const char *name, const zc_profile_record *r);

#endif
