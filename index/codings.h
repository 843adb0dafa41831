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
 * Records are JSON values (stored as every record is, index.h); their fields are documented in
 * docs/SCHEMA.md.  Records passed in are borrowed; records returned are new references the
 * caller json_decref()s; records given to a callback are borrowed for the call.
 */
#ifndef ZC_INDEX_CODING_H
#define ZC_INDEX_CODING_H

#include <jansson.h>

/* A coder's name: 1 to 64 bytes of UTF-8 with no control character, no '|', no separator of a
   sheet's values (; ；), not starting or ending with a space.  ZC_OK or ZC_EUSAGE. */
int zc_coder_name_check(const char *coder);

/* A coder's coding of entry in round (1 to 999): put replaces, get ZC_ENOTFOUND when none. */
int zc_tx_coding_put(zc_txn *t, const char *entry, const char *coder, unsigned round, json_t *rec);
int zc_tx_coding_get(zc_txn *t, const char *entry, const char *coder, unsigned round, json_t **rec);
int zc_tx_coding_del(zc_txn *t, const char *entry, const char *coder, unsigned round);
/* Every coder's coding, by entry code (as bytes), then coder, then round; fn returns non-zero
   to stop, and that is then the result. */
typedef int (*zc_coding_fn)(const char *entry, const char *coder, unsigned round, json_t *rec, void *arg);
int zc_tx_codings_each(zc_txn *t, zc_coding_fn fn, void *arg);

/* The final codes of entry: put replaces, get ZC_ENOTFOUND when none. */
int zc_tx_final_put(zc_txn *t, const char *entry, json_t *rec);
int zc_tx_final_get(zc_txn *t, const char *entry, json_t **rec);
int zc_tx_final_del(zc_txn *t, const char *entry);
/* Every entry's final codes, by entry code (as bytes); fn returns non-zero to stop. */
typedef int (*zc_final_fn)(const char *entry, json_t *rec, void *arg);
int zc_tx_finals_each(zc_txn *t, zc_final_fn fn, void *arg);

/* Records in the coding table: coders' codings and final codes. */
int zc_tx_codings_count(zc_txn *t, uint64_t *codings, uint64_t *finals);

/* The codebook the corpus is coded with ({"sha256", "file", "codebook": the JSON}) and the
   normalisation map last applied ({"sha256", "file", "map"}): ZC_ENOTFOUND when none. */
int zc_tx_codebook_put(zc_txn *t, json_t *rec);
int zc_tx_codebook_get(zc_txn *t, json_t **rec);
int zc_tx_normalisation_put(zc_txn *t, json_t *rec);
int zc_tx_normalisation_get(zc_txn *t, json_t **rec);

#endif
