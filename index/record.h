/* record.h - the stored form of a record (record.c); inside index/ only.  zc_record_parse,
   the one reader others need, is in index.h. */
#ifndef ZC_RECORD_H
#define ZC_RECORD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "../common/zc.h"

/* Whether a stored record is the JSON text of schema 1 and 2 (it starts with '{'), else
   MessagePack. */
int zc_rec_is_json(const void *v, size_t n);
/* A stored record's value when it is an object (either form), else NULL: what every typed
   record is read from. */
json_t *zc_record_object(const void *v, size_t n);
/* The object a writer starts from: a deep copy of the record read (its unknown fields kept,
   nested ones too), or {} when none was read. */
json_t *zc_record_base(json_t *own);
/* Appends v in MessagePack to out: ZC_OK, or ZC_EPARSE (out of the buffer's cap). */
int zc_rec_encode(json_t *v, zc_buf *out);
/* Appends a MessagePack string. */
int zc_rec_encode_str(const char *s, size_t n, zc_buf *out);
/* The MessagePack value at *off in v (n bytes), *off moved past it; NULL when damaged. */
json_t *zc_rec_decode(const void *v, size_t n, size_t *off);
/* The MessagePack string at *off, in place: ZC_OK and *off moved past it, or ZC_EPARSE. */
int zc_rec_str(const void *v, size_t n, size_t *off, const char **s, size_t *len);
/* Whether a record (either form) holds the field key with the string value (any value when
   value is NULL), as a byte search: a filter before parsing, which may say yes wrongly (the
   same bytes elsewhere) but never no wrongly for a record this zhengce wrote. */
int zc_rec_has(const void *v, size_t n, const char *key, const char *value);

/* A field of a record read in place by zc_rec_fields: a string (s, len) or an integer (i). */
typedef struct zc_rec_field {
	int found;	/* 0: no such field; 1: a string; 2: an integer; 3: another value */
	const char *s;
	size_t len;
	int64_t i;
} zc_rec_field;
/* The top-level fields keys[0..n) of a MessagePack record (a map), read where they are, without
   decoding the record: ZC_OK, or ZC_EPARSE when the record is not a whole MessagePack map (a
   JSON record of schema 1 or 2, or damaged), which the caller then parses whole.  Of a key
   found twice, the last, as zc_record_parse keeps it. */
int zc_rec_fields(const void *v, size_t n, const char *const *keys, size_t nkeys, zc_rec_field *out);
/* zc_rec_fields, a string that is not UTF-8 found as 3 (another value), as zc_rec_decode would
   refuse it. */
int zc_rec_fields_text(const void *v, size_t n, const char *const *keys, size_t nkeys, zc_rec_field *out);
/* zc_rec_fields_text of page id's decision record:
   ZC_ENOTFOUND without one, ZC_EPARSE when it is to be parsed whole (zc_tx_decision_get). */
int zc_tx_decision_fields(zc_txn *t, uint64_t id, const char *const *keys, size_t n, zc_rec_field *out);

/*
 * A MessagePack record read where it lies, field by field, for a reader that needs the values
 * and not the jansson value zc_rec_decode builds (a walk's pages and decisions, page.c).  It
 * accepts exactly what zc_rec_decode accepts: strings UTF-8, map keys strings, integers within
 * int64, floats finite, no binary or extension values, containers nested ZC_MP_DEPTH deep at
 * most.
 */
typedef struct zc_mp {
	const unsigned char *p;
	size_t n, i;		/* the bytes, the position */
	int depth;		/* the containers the value at the position lies in */
} zc_mp;
enum { ZC_MP_BAD, ZC_MP_STR, ZC_MP_INT, ZC_MP_TRUE, ZC_MP_MAP, ZC_MP_ARRAY, ZC_MP_OTHER };
#define ZC_MP_DEPTH 32
typedef struct zc_mp_val {
	int kind;
	const char *s;		/* ZC_MP_STR: the bytes, in place (UTF-8 checked) */
	size_t len;
	int64_t i;		/* ZC_MP_INT */
	uint64_t items;		/* ZC_MP_MAP: its pairs; ZC_MP_ARRAY: its values */
} zc_mp_val;
/* The value at the position: its kind (ZC_MP_BAD when damaged), the position moved past it,
   or for a map or an array past its header only (its contents follow). */
int zc_mp_read(zc_mp *m, zc_mp_val *v);
/* Past the value at the position, contents and all, each checked as zc_mp_read checks it;
   depth: the containers it lies in.  0 when damaged. */
int zc_mp_skip(zc_mp *m, int depth);

#endif
