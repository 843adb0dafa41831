/* table.c - raw access to one table: keys (long ones hashed), values, records, meta (inside index/). */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int zc_db_err(int rc)
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
		/* as for memory (zc.h): nothing can go on without it, and aborting loses nothing
		   (index.h says so) */
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
		return zc_db_err(mrc);
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
	return zc_db_err(mdb_put(t->txn, dbi(t, tb), &k, &v, 0));
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
	return mrc == MDB_NOTFOUND ? ZC_OK : zc_db_err(mrc);
}

int zc_tx_clear(zc_txn *t, enum zc_table tb)
{
	return zc_db_err(mdb_drop(t->txn, dbi(t, tb), 0));
}

int zc_tx_scan(zc_txn *t, enum zc_table tb, const void *prefix, size_t plen, zc_scan_fn fn, void *arg)
{
	MDB_cursor *c;
	MDB_val k = {plen, (void *)prefix}, v;
	int mrc = mdb_cursor_open(t->txn, dbi(t, tb), &c);
	if (mrc != 0)
		return zc_db_err(mrc);
	mrc = plen ? mdb_cursor_get(c, &k, &v, MDB_SET_RANGE) : mdb_cursor_get(c, &k, &v, MDB_FIRST);
	int rc = ZC_OK;
	while (mrc == 0) {
		if (plen && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0))
			break;
		if (fn(k.mv_data, k.mv_size, v.mv_data, v.mv_size, arg))
			break;
		zc_counted_read(t->idx);
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = zc_db_err(mrc);
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
	return zc_db_err(mrc);
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

int zc_tx_get_object(zc_txn *t, enum zc_table tb, const char *key, json_t **out)
{
	int rc = zc_tx_get_json(t, tb, key, out);
	if (rc == ZC_OK && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		rc = ZC_EPARSE;
	}
	return rc;
}

/* a record: val as MessagePack (record.c) */
int zc_tx_put_record(zc_txn *t, enum zc_table tb, const void *key, size_t klen, json_t *val)
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
	return zc_tx_put_record(t, tb, key, strlen(key), val);
}

int zc_tx_meta_get(zc_txn *t, const char *name, char **val)
{
	return zc_tx_get(t, ZC_T_META, name, strlen(name), val, NULL);
}

int zc_tx_meta_put(zc_txn *t, const char *name, const char *val)
{
	return zc_tx_put(t, ZC_T_META, name, strlen(name), val, strlen(val));
}
