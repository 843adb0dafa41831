/*
 * codings.h - the coding table (included by index.h): coders' codings of entries and the final
 * codes, keyed by entry code, in the table "codings" (docs/SCHEMA.md).  Entry codes name the
 * entries, so a coding outlives reselects and crawls that keep the code; a renumber refuses
 * while the table holds anything (cli/cmd_renumber.c).
 *
 * Keys (private to index/coding.c):
 *   ENTRY NUL "c" NUL CODER NUL ROUND (u64 BE)   a coder's coding of an entry in one round
 *   ENTRY NUL "f"                               the entry's final codes
 * so one prefix scan (ENTRY NUL) finds every record of an entry, and no entry code is a prefix
 * of another's keys.  The codebook and the normalisation map the codings were made and resolved
 * with are meta values ("codebook", "normalisation").
 *
 * Records are typed (zc_coding, zc_final, zc_codebook_rec, zc_normalisation_rec); index/coding.c
 * is their codec, the only code that names their fields.  In a record read, scalar strings
 * borrow from the decoded record (own_; "" when absent, never NULL) and live until its
 * _clear(); lists (codes, relations, coders, renames) are the record's own, filled with the
 * helpers below and freed by _clear().  In a record built to be written, scalar strings are the
 * caller's (NULL reads as ""); own_ NULL, or a record read before, whose fields this codec does
 * not know are then kept (a record of a newer zhengce is not cut).
 */
#ifndef ZC_INDEX_CODING_H
#define ZC_INDEX_CODING_H

#include <jansson.h>
#include <stddef.h>

/* ---- codes per category (a coding's, a final record's) ---- */

/* A directed relation between two codes of one category. */
typedef struct zc_relation {
	char *source, *target;
} zc_relation;

/* One category's codes and relations. */
typedef struct zc_catcodes {
	char *category;		/* the category's id */
	char **codes;		/* in the order given */
	size_t ncodes;
	zc_relation *rels;	/* in the order given */
	size_t nrels;
} zc_catcodes;

/* The codes of a record, a category at a time in the order they were listed.  Stored as
   "codes": {category: [code, ...]} (every category listed) and "relations": {category:
   [[source, target], ...]} (the categories with relations). */
typedef struct zc_codes {
	zc_catcodes *cats;
	size_t ncats;
} zc_codes;

/* The category's entry, listed (with no codes) when absent. */
zc_catcodes *zc_codes_cat(zc_codes *s, const char *category);
/* The category's entry, or NULL when it is not listed. */
const zc_catcodes *zc_codes_of(const zc_codes *s, const char *category);
/* Appends a code (copied) to the category, even a repeat. */
void zc_codes_add(zc_codes *s, const char *category, const char *code);
/* Appends a relation (copied) to the category. */
void zc_codes_relate(zc_codes *s, const char *category, const char *source, const char *target);
/* Whether the category's codes hold code. */
int zc_catcodes_has(const zc_catcodes *c, const char *code);
/* Equal: the same categories listed (in any order), each with the same codes and relations in
   the same order. */
int zc_codes_equal(const zc_codes *a, const zc_codes *b);
void zc_codes_copy(zc_codes *dst, const zc_codes *src);
void zc_codes_clear(zc_codes *s);

/* ---- a coder's coding ---- */

typedef struct zc_coding {
	const char *entry;		/* entry code JJ-N-S-I */
	const char *coder;
	unsigned round;			/* 1 to 999 */
	zc_codes codes;			/* every category of the codebook listed */
	const char *note;
	const char *text_sha256;	/* of the entry's text as coded */
	const char *codebook;		/* the SHA-256 of the codebook it was checked against */
	const char *source_file;	/* the sheet or project it was imported from */
	long source_row;		/* its row there (a QDPX project: the selection's number) */
	const char *at;			/* when it was stored (ISO 8601, UTC) */
	json_t *own_;			/* the decoded record, or NULL; zc_coding_clear() frees */
} zc_coding;

void zc_coding_clear(zc_coding *c);
/* The record as JSON, as it is stored (what `code list --format jsonl` prints): a new reference. */
json_t *zc_coding_json(const zc_coding *c);
/* Whether two codings say the same: codes, relations, note, the text and codebook they were
   made of (not where they came from nor when). */
int zc_coding_same(const zc_coding *a, const zc_coding *b);

/* ---- an entry's final codes ---- */

/* A code normalisation renamed in a category. */
typedef struct zc_rename {
	char *category, *from, *to;
} zc_rename;

typedef struct zc_final {
	const char *entry;
	zc_codes codes;			/* every category of the codebook listed */
	const char *from;		/* "agreement", "single" or "adjudication" */
	unsigned round;
	char **coders;			/* the round's coders of the entry, sorted */
	size_t ncoders;
	const char *text_sha256;	/* of the entry's text as coded */
	zc_rename *renames;		/* what the normalisation map renamed ("normalised") */
	size_t nrenames;
	const char *note;		/* the adjudicated sheet's; written only when not "" */
	const char *at;			/* when it was stored; written only when not "" */
	json_t *own_;
} zc_final;

void zc_final_clear(zc_final *f);
json_t *zc_final_json(const zc_final *f);
/* Appends a coder (copied). */
void zc_final_coder(zc_final *f, const char *coder);
/* Records that from became to in category (a later rename of the same code replaces it). */
void zc_final_rename(zc_final *f, const char *category, const char *from, const char *to);
/* Whether two final records say the same: everything but when they were stored. */
int zc_final_same(const zc_final *a, const zc_final *b);

/* ---- the meta records ---- */

/* The codebook the corpus is coded with (meta "codebook"). */
typedef struct zc_codebook_rec {
	const char *name;	/* the codebook's name */
	const char *sha256;	/* of its JSON, compact with sorted keys */
	json_t *codebook;	/* the codebook file's JSON as checked (borrowed; coding/ parses it) */
	json_t *own_;
} zc_codebook_rec;
void zc_codebook_rec_clear(zc_codebook_rec *r);

/* The normalisation map last applied (meta "normalisation"). */
typedef struct zc_normalisation_rec {
	const char *file;	/* the map's file as given */
	const char *sha256;	/* of the map, keyed by category id, compact with sorted keys */
	json_t *map;		/* {category id or "*": {synonym: canonical code}} (borrowed) */
	json_t *own_;
} zc_normalisation_rec;
void zc_normalisation_rec_clear(zc_normalisation_rec *r);

/* ---- the table ---- */

/* A coder's name: 1 to 64 bytes of UTF-8 with no control character, no '|', no separator of a
   sheet's values (; ；), not starting or ending with a space.  ZC_OK or ZC_EUSAGE. */
int zc_coder_name_check(const char *coder);

/* A coder's coding of entry in round (1 to 999): put replaces (entry, coder, round are the key's
   and the record's), get ZC_ENOTFOUND when none (*out cleared either way). */
int zc_tx_coding_put(zc_txn *t, const zc_coding *c);
int zc_tx_coding_get(zc_txn *t, const char *entry, const char *coder, unsigned round, zc_coding *out);
int zc_tx_coding_del(zc_txn *t, const char *entry, const char *coder, unsigned round);
/* Every coder's coding, by entry code (as bytes), then coder, then round, the entry, coder and
   round the key's; fn returns non-zero to stop, and that is then the result. */
typedef int (*zc_coding_fn)(const zc_coding *c, void *arg);
int zc_tx_codings_each(zc_txn *t, zc_coding_fn fn, void *arg);

/* The final codes of an entry: put replaces (f->entry the key), get ZC_ENOTFOUND when none. */
int zc_tx_final_put(zc_txn *t, const zc_final *f);
int zc_tx_final_get(zc_txn *t, const char *entry, zc_final *out);
int zc_tx_final_del(zc_txn *t, const char *entry);
/* Every entry's final codes, by entry code (as bytes), the entry the key's; fn returns non-zero
   to stop. */
typedef int (*zc_final_fn)(const zc_final *f, void *arg);
int zc_tx_finals_each(zc_txn *t, zc_final_fn fn, void *arg);

/* Records in the coding table: coders' codings and final codes. */
int zc_tx_codings_count(zc_txn *t, uint64_t *codings, uint64_t *finals);

/* The meta records: get ZC_ENOTFOUND when none. */
int zc_tx_codebook_put(zc_txn *t, const zc_codebook_rec *r);
int zc_tx_codebook_get(zc_txn *t, zc_codebook_rec *out);
int zc_tx_normalisation_put(zc_txn *t, const zc_normalisation_rec *r);
int zc_tx_normalisation_get(zc_txn *t, zc_normalisation_rec *out);

#endif
