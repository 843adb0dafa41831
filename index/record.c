/*
 * record.c - how a JSON value is stored in an LMDB table (see docs/SCHEMA.md, "Records").
 *
 * zhengce keeps its values in jansson's objects, and stored them as JSON text until schema
 * version 3.  jansson reads JSON a character at a time through a callback and builds a
 * hashtable entry and a string copy for every field: reading and writing records took a fifth
 * of a crawl's instructions (decision records 100,000 instructions each, for 700 bytes).
 * Since version 3 a record is the same value in MessagePack (msgpack-c, Debian's libmsgpack):
 * lengths before bytes, no escapes, read five times and written six times as fast on the
 * mirror's decision records.  jansson stays the in-memory model and the JSON at the edges
 * (exports, search answers, seeds, profiles, `parse`).
 *
 * A record whose first byte is '{' is JSON (schema 1 and 2: a JSON object starts so; in
 * MessagePack 0x7b would be the number 123, which no record starts with); anything else is
 * MessagePack.  Both read back as the same value, so a corpus written by an older zhengce is
 * read as it is and its records are rewritten in the new form as they change.
 */
#define _GNU_SOURCE	/* memmem */
#include "record.h"
#include "../common/zc.h"

#include <msgpack.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int zc_rec_is_json(const void *v, size_t n)
{
	return n && *(const char *)v == '{';
}

static int to_buf(void *data, const char *p, size_t n)
{
	return zc_buf_add(data, p, n) == ZC_OK ? 0 : -1;
}

static int encode(msgpack_packer *pk, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		size_t kl;
		json_t *x;
		if (msgpack_pack_map(pk, json_object_size(v)))
			return -1;
		json_object_keylen_foreach(v, k, kl, x)
		{
			if (msgpack_pack_str_with_body(pk, k, kl) || encode(pk, x))
				return -1;
		}
		return 0;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;
		if (msgpack_pack_array(pk, json_array_size(v)))
			return -1;
		json_array_foreach(v, i, x)
		{
			if (encode(pk, x))
				return -1;
		}
		return 0;
	}
	case JSON_STRING:
		return msgpack_pack_str_with_body(pk, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return msgpack_pack_int64(pk, json_integer_value(v));
	case JSON_REAL:
		return msgpack_pack_double(pk, json_real_value(v));
	case JSON_TRUE:
		return msgpack_pack_true(pk);
	case JSON_FALSE:
		return msgpack_pack_false(pk);
	default:
		return msgpack_pack_nil(pk);
	}
}

int zc_rec_encode(json_t *v, zc_buf *out)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, to_buf);
	return v && encode(&pk, v) == 0 ? ZC_OK : ZC_EPARSE;
}

int zc_rec_encode_str(const char *s, size_t n, zc_buf *out)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, to_buf);
	return msgpack_pack_str_with_body(&pk, s, n) == 0 ? ZC_OK : ZC_EPARSE;
}

/* msgpack-c's value as jansson's; NULL for what JSON cannot hold (binary, extensions, keys
   that are not text) and for text that is not UTF-8 */
static json_t *decode(const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_MAP: {
		json_t *j = json_object();
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object_kv *kv = &o->via.map.ptr[i];
			const msgpack_object_str *k = &kv->key.via.str;
			json_t *x = kv->key.type == MSGPACK_OBJECT_STR && zc_utf8_valid(k->ptr, k->size) ? decode(&kv->val) : NULL;
			if (!x || json_object_setn_new_nocheck(j, k->ptr, k->size, x) != 0) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	}
	case MSGPACK_OBJECT_ARRAY: {
		json_t *j = json_array();
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			json_t *x = decode(&o->via.array.ptr[i]);
			if (!x || json_array_append_new(j, x) != 0) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	}
	case MSGPACK_OBJECT_STR:
		return zc_json_string(o->via.str.ptr, o->via.str.size);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		return o->via.u64 > (uint64_t)INT64_MAX ? NULL : json_integer((json_int_t)o->via.u64);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return json_integer((json_int_t)o->via.i64);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return json_real(o->via.f64);
	case MSGPACK_OBJECT_BOOLEAN:
		return json_boolean(o->via.boolean);
	case MSGPACK_OBJECT_NIL:
		return json_null();
	default:
		return NULL;
	}
}

static uint64_t be(const unsigned char *p, size_t k)
{
	uint64_t x = 0;
	while (k--)
		x = x << 8 | *p++;
	return x;
}

/*
 * The header of the MessagePack value at p (left bytes): its size (*head), the bytes of string,
 * binary or extension data after it (*len), the values a container holds after it (*items);
 * 0 when the header is cut short or its byte is the one MessagePack never uses (0xc1).
 */
static int header(const unsigned char *p, size_t left, size_t *head, uint64_t *len, uint64_t *items)
{
	unsigned b = p[0];
	size_t k = 0;	/* of the header's bytes, the length or count's */
	*head = 1;
	*len = *items = 0;
	if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
		return 1;	/* a small integer, nil, false, true */
	if ((b & 0xf0) == 0x80) {
		*items = 2 * (uint64_t)(b & 0x0f);
		return 1;
	}
	if ((b & 0xf0) == 0x90) {
		*items = b & 0x0f;
		return 1;
	}
	if ((b & 0xe0) == 0xa0) {
		*len = b & 0x1f;
		return 1;
	}
	switch (b) {
	case 0xc4: case 0xd9: k = 1; break;	/* bin 8, str 8 */
	case 0xc5: case 0xda: k = 2; break;
	case 0xc6: case 0xdb: k = 4; break;
	case 0xc7: k = 1; *head = 2; break;	/* ext 8: length, type */
	case 0xc8: k = 2; *head = 2; break;
	case 0xc9: k = 4; *head = 2; break;
	case 0xcc: case 0xd0: *head = 2; break;	/* 8-bit integers */
	case 0xcd: case 0xd1: *head = 3; break;
	case 0xca: case 0xce: case 0xd2: *head = 5; break;
	case 0xcb: case 0xcf: case 0xd3: *head = 9; break;
	case 0xd4: *head = 3; break;	/* fixext 1: type, 1 byte */
	case 0xd5: *head = 4; break;
	case 0xd6: *head = 6; break;
	case 0xd7: *head = 10; break;
	case 0xd8: *head = 18; break;
	case 0xdc: case 0xde: k = 2; break;	/* array 16, map 16 */
	case 0xdd: case 0xdf: k = 4; break;
	default: return 0;
	}
	*head += k;
	if (*head > left)
		return 0;
	uint64_t x = be(p + 1, k);	/* right after the type byte */
	if (b == 0xdc || b == 0xdd)
		*items = x;
	else if (b == 0xde || b == 0xdf)
		*items = 2 * x;
	else
		*len = x;	/* 0 for the numbers and fixext, whose k is 0 */
	return 1;
}

/*
 * Whether the MessagePack value at the start of p (n bytes) can be whole: each header fits,
 * each string fits, and the values a container announces are no more than the bytes left
 * (each takes one at least).  msgpack-c allocates a container's items before it reads them, so
 * a damaged count would ask for up to 64 GB (found by fuzz_files); after this walk, which reads
 * headers only, what it allocates is bounded by n.
 */
static int plausible(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t need = 1;	/* values still to read */
	while (need) {
		size_t head;
		uint64_t len, items;
		if (i >= n || !header(p + i, n - i, &head, &len, &items) || len > n - i - head)
			return 0;
		i += head + (size_t)len;
		need = need - 1 + items;
		if (need > n - i)
			return 0;
	}
	return 1;
}

/* past the value at p[*i] (with what it holds): 0 when it does not fit in n */
static int skip_value(const unsigned char *p, size_t n, size_t *i)
{
	uint64_t need = 1;
	while (need) {
		size_t head;
		uint64_t len, items;
		if (*i >= n || !header(p + *i, n - *i, &head, &len, &items) || len > n - *i - head)
			return 0;
		*i += head + (size_t)len;
		need = need - 1 + items;
		if (need > n - *i)
			return 0;
	}
	return 1;
}

/* the integer whose header is at p (head bytes), as decode() reads it: 0 when not one */
static int int_of(const unsigned char *p, size_t head, int64_t *x)
{
	unsigned b = p[0];
	if (b <= 0x7f || b >= 0xe0) {
		*x = b <= 0x7f ? (int64_t)b : (int64_t)b - 256;
		return 1;
	}
	if (b >= 0xcc && b <= 0xcf) {
		uint64_t u = be(p + 1, head - 1);
		if (u > (uint64_t)INT64_MAX)
			return 0;
		*x = (int64_t)u;
		return 1;
	}
	if (b >= 0xd0 && b <= 0xd3) {
		uint64_t u = be(p + 1, head - 1);
		unsigned bits = 8 * (unsigned)(head - 1);
		if (bits < 64 && (u >> (bits - 1)) & 1)
			u |= ~(uint64_t)0 << bits;	/* the sign carried up */
		*x = (int64_t)u;
		return 1;
	}
	return 0;
}

int zc_rec_fields(const void *v, size_t n, const char *const *keys, size_t nkeys, zc_rec_field *out)
{
	const unsigned char *p = v;
	size_t i = 0, head;
	uint64_t len, items;
	for (size_t k = 0; k < nkeys; k++)
		out[k] = (zc_rec_field){0, NULL, 0, 0};
	if (!n || zc_rec_is_json(v, n) || !header(p, n, &head, &len, &items))
		return ZC_EPARSE;
	unsigned b = p[0];
	if (!((b & 0xf0) == 0x80 || b == 0xde || b == 0xdf))
		return ZC_EPARSE;
	i = head;
	uint64_t pairs = items / 2;
	for (uint64_t pair = 0; pair < pairs; pair++) {
		const unsigned char *kp = p + i;
		if (i >= n || !header(kp, n - i, &head, &len, &items) || len > n - i - head)
			return ZC_EPARSE;
		int is_str = (kp[0] & 0xe0) == 0xa0 || (kp[0] >= 0xd9 && kp[0] <= 0xdb);
		size_t want = nkeys;
		if (is_str)
			for (size_t k = 0; k < nkeys && want == nkeys; k++)
				if (strlen(keys[k]) == len && !memcmp(kp + head, keys[k], (size_t)len))
					want = k;
		i += head + (size_t)len;
		if (i >= n)
			return ZC_EPARSE;
		const unsigned char *vp = p + i;
		if (want < nkeys) {
			size_t vh;
			uint64_t vl, vi;
			if (!header(vp, n - i, &vh, &vl, &vi) || vl > n - i - vh)
				return ZC_EPARSE;
			zc_rec_field *f = &out[want];
			*f = (zc_rec_field){3, NULL, 0, 0};
			if ((vp[0] & 0xe0) == 0xa0 || (vp[0] >= 0xd9 && vp[0] <= 0xdb)) {
				*f = (zc_rec_field){1, (const char *)vp + vh, (size_t)vl, 0};
			} else if (int_of(vp, vh, &f->i)) {
				f->found = 2;
			}
		}
		if (!skip_value(p, n, &i))
			return ZC_EPARSE;
	}
	return i == n ? ZC_OK : ZC_EPARSE;
}

int zc_rec_fields_text(const void *v, size_t n, const char *const *keys, size_t nkeys, zc_rec_field *out)
{
	int rc = zc_rec_fields(v, n, keys, nkeys, out);
	for (size_t k = 0; rc == ZC_OK && k < nkeys; k++)
		if (out[k].found == 1 && !zc_utf8_valid(out[k].s, out[k].len))
			out[k].found = 3;	/* not text: as decode() would refuse it */
	return rc;
}

/* --- a record read where it lies (zc_mp): what zc_rec_decode accepts, without building it --- */

static int is_str(unsigned b)
{
	return (b & 0xe0) == 0xa0 || (b >= 0xd9 && b <= 0xdb);
}

/* whether the float at p (a float 32 or 64) is finite: jansson holds no NaN or infinity, so
   zc_rec_decode refuses a record with one */
static int finite_float(const unsigned char *p)
{
	if (p[0] == 0xca) {
		uint32_t u = (uint32_t)be(p + 1, 4);
		return (u & 0x7f800000u) != 0x7f800000u;
	}
	uint64_t u = be(p + 1, 8);
	return (u & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
}

int zc_mp_read(zc_mp *m, zc_mp_val *v)
{
	const unsigned char *p = m->p + m->i;
	size_t head, left = m->n - m->i;
	uint64_t len, items;
	*v = (zc_mp_val){ZC_MP_BAD, NULL, 0, 0, 0};
	if (m->i >= m->n || !header(p, left, &head, &len, &items) || len > left - head || items > left - head)
		return ZC_MP_BAD;
	unsigned b = p[0];
	m->i += head + (size_t)len;
	if (is_str(b)) {
		if (!zc_utf8_valid((const char *)p + head, (size_t)len))
			return ZC_MP_BAD;
		v->s = (const char *)p + head;
		v->len = (size_t)len;
		v->kind = ZC_MP_STR;
	} else if ((b & 0xf0) == 0x80 || b == 0xde || b == 0xdf) {
		v->items = items / 2;
		v->kind = ZC_MP_MAP;
	} else if ((b & 0xf0) == 0x90 || b == 0xdc || b == 0xdd) {
		v->items = items;
		v->kind = ZC_MP_ARRAY;
	} else if (int_of(p, head, &v->i)) {
		v->kind = ZC_MP_INT;
	} else if (b == 0xc3) {
		v->kind = ZC_MP_TRUE;
	} else if (b == 0xc0 || b == 0xc2 || ((b == 0xca || b == 0xcb) && finite_float(p))) {
		v->kind = ZC_MP_OTHER;
	}
	return v->kind;	/* ZC_MP_BAD for binary, extension, an integer past int64, NaN */
}

int zc_mp_skip(zc_mp *m, int depth)
{
	zc_mp_val v;
	if (!zc_mp_read(m, &v))
		return 0;
	if ((v.kind == ZC_MP_MAP || v.kind == ZC_MP_ARRAY) && depth >= ZC_MP_DEPTH)
		return 0;
	for (uint64_t k = 0; v.kind == ZC_MP_MAP && k < v.items; k++) {
		zc_mp_val key;
		if (zc_mp_read(m, &key) != ZC_MP_STR || !zc_mp_skip(m, depth + 1))
			return 0;
	}
	for (uint64_t k = 0; v.kind == ZC_MP_ARRAY && k < v.items; k++)
		if (!zc_mp_skip(m, depth + 1))
			return 0;
	return 1;
}

json_t *zc_rec_decode(const void *v, size_t n, size_t *off)
{
	if (*off > n || !plausible((const unsigned char *)v + *off, n - *off))
		return NULL;
	/* One zone for every decode, emptied after each: msgpack_unpack_next makes and frees a
	   zone of 8 KB per value, and a malloc that size first sorts glibc's small free chunks
	   (malloc_consolidate); a crawl decodes some 6,000 records.  The zone's first chunk is
	   kept; larger values take more chunks, which the clearing frees.  msgpack_unpack is
	   the call that takes a caller's zone (msgpack-c's header files it under "obsolete" and
	   keeps exporting it).  zhengce decodes on one thread. */
	static msgpack_zone zone;
	static int zone_ready;
	if (!zone_ready) {
		if (!msgpack_zone_init(&zone, MSGPACK_ZONE_CHUNK_SIZE))
			return NULL;
		zone_ready = 1;
	}
	msgpack_object o;
	json_t *j = NULL;
	msgpack_unpack_return r = msgpack_unpack(v, n, off, &zone, &o);
	if (r == MSGPACK_UNPACK_SUCCESS || r == MSGPACK_UNPACK_EXTRA_BYTES)
		j = decode(&o);
	msgpack_zone_clear(&zone);
	return j;
}

int zc_rec_str(const void *v, size_t n, size_t *off, const char **s, size_t *len)
{
	if (*off >= n)
		return ZC_EPARSE;
	const unsigned char *p = (const unsigned char *)v + *off;
	size_t head;
	uint64_t l, items;
	int str = (p[0] & 0xe0) == 0xa0 || (p[0] >= 0xd9 && p[0] <= 0xdb);
	if (!str || !header(p, n - *off, &head, &l, &items) || l > n - *off - head)
		return ZC_EPARSE;
	*s = (const char *)p + head;
	*len = (size_t)l;
	*off += head + (size_t)l;
	return ZC_OK;
}

json_t *zc_record_parse(const void *v, size_t n)
{
	if (zc_rec_is_json(v, n))
		return json_loadb(v, n, 0, NULL);
	size_t off = 0;
	json_t *j = zc_rec_decode(v, n, &off);
	if (j && off != n) {
		json_decref(j);	/* bytes after the value: damaged */
		j = NULL;
	}
	return j;
}

json_t *zc_record_object(const void *v, size_t n)
{
	json_t *o = zc_record_parse(v, n);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *zc_record_base(json_t *own)
{
	return json_is_object(own) ? json_deep_copy(own) : json_object();
}

/* a pattern of a few bytes, on the stack: zc_rec_has runs once per record of a table scan */
typedef struct pattern {
	char b[256];
	size_t n;
	int over;
} pattern;

static int to_pattern(void *data, const char *p, size_t n)
{
	pattern *pt = data;
	if (n > sizeof pt->b - pt->n) {
		pt->over = 1;
		return -1;
	}
	memcpy(pt->b + pt->n, p, n);
	pt->n += n;
	return 0;
}

int zc_rec_has(const void *v, size_t n, const char *key, const char *value)
{
	pattern pt = {.n = 0};
	if (zc_rec_is_json(v, n)) {
		int l = snprintf(pt.b, sizeof pt.b, value ? "\"%s\":\"%s\"" : "\"%s\":", key, value);
		pt.over = l < 0 || (size_t)l >= sizeof pt.b;
		pt.n = pt.over ? 0 : (size_t)l;
	} else {
		msgpack_packer pk;
		msgpack_packer_init(&pk, &pt, to_pattern);
		msgpack_pack_str_with_body(&pk, key, strlen(key));
		if (value)
			msgpack_pack_str_with_body(&pk, value, strlen(value));
	}
	return pt.over || memmem(v, n, pt.b, pt.n) != NULL;	/* too long to look for: say yes */
}
