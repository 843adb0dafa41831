/*
 * coding.c - the coding table (codings.h): coders' codings and final codes of entries.
 * Keys: ENTRY NUL "c" NUL CODER NUL ROUND (u64 BE), and ENTRY NUL "f"; values are records.
 */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

#define CODER_MAX 64
#define ENTRY_MAX 64
#define ROUND_MAX 999

int zc_coder_name_check(const char *coder)
{
	size_t n = coder ? strlen(coder) : 0;
	if (n == 0 || n > CODER_MAX || !zc_utf8_valid(coder, n) || coder[0] == ' ' || coder[n - 1] == ' ')
		return ZC_EUSAGE;
	for (const char *p = coder; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '|' || *p == ';')
			return ZC_EUSAGE;
	return strstr(coder, "\xef\xbc\x9b") ? ZC_EUSAGE : ZC_OK;	/* ； */
}

static int entry_ok(const char *entry)
{
	size_t n = entry ? strlen(entry) : 0;
	return n > 0 && n <= ENTRY_MAX;
}

/* the key of a coder's coding into k (at least ENTRY_MAX + CODER_MAX + 16 bytes) */
static size_t coding_key(const char *entry, const char *coder, unsigned round, unsigned char *k)
{
	size_t el = strlen(entry), cl = strlen(coder), n = 0;
	memcpy(k, entry, el);
	n += el;
	k[n++] = 0;
	k[n++] = 'c';
	k[n++] = 0;
	memcpy(k + n, coder, cl);
	n += cl;
	k[n++] = 0;
	zc_u64_key(round, k + n);
	return n + 8;
}

static size_t final_key(const char *entry, unsigned char *k)
{
	size_t el = strlen(entry);
	memcpy(k, entry, el);
	k[el] = 0;
	k[el + 1] = 'f';
	return el + 2;
}

static int put_rec(zc_txn *t, const unsigned char *k, size_t kl, json_t *rec)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	int rc = zc_rec_encode(rec, &b);
	if (rc == ZC_OK)
		rc = zc_tx_put(t, ZC_T_CODINGS, k, kl, b.data, b.len);
	zc_buf_free(&b);
	return rc;
}

static int get_rec(zc_txn *t, const unsigned char *k, size_t kl, json_t **rec)
{
	*rec = NULL;
	if (!zc_tx_has(t, ZC_T_CODINGS))
		return ZC_ENOTFOUND;
	char *v;
	size_t n;
	int rc = zc_tx_get(t, ZC_T_CODINGS, k, kl, &v, &n);
	if (rc != ZC_OK)
		return rc;
	*rec = zc_record_parse(v, n);
	free(v);
	return *rec ? ZC_OK : ZC_EPARSE;
}

static int coding_args_ok(const char *entry, const char *coder, unsigned round)
{
	return entry_ok(entry) && zc_coder_name_check(coder) == ZC_OK && round >= 1 && round <= ROUND_MAX;
}

int zc_tx_coding_put(zc_txn *t, const char *entry, const char *coder, unsigned round, json_t *rec)
{
	unsigned char k[ENTRY_MAX + CODER_MAX + 16];
	if (!coding_args_ok(entry, coder, round) || !json_is_object(rec))
		return ZC_EUSAGE;
	return put_rec(t, k, coding_key(entry, coder, round, k), rec);
}

int zc_tx_coding_get(zc_txn *t, const char *entry, const char *coder, unsigned round, json_t **rec)
{
	unsigned char k[ENTRY_MAX + CODER_MAX + 16];
	*rec = NULL;
	if (!coding_args_ok(entry, coder, round))
		return ZC_EUSAGE;
	return get_rec(t, k, coding_key(entry, coder, round, k), rec);
}

int zc_tx_coding_del(zc_txn *t, const char *entry, const char *coder, unsigned round)
{
	unsigned char k[ENTRY_MAX + CODER_MAX + 16];
	if (!coding_args_ok(entry, coder, round))
		return ZC_EUSAGE;
	return zc_tx_del(t, ZC_T_CODINGS, k, coding_key(entry, coder, round, k));
}

int zc_tx_final_put(zc_txn *t, const char *entry, json_t *rec)
{
	unsigned char k[ENTRY_MAX + 4];
	if (!entry_ok(entry) || !json_is_object(rec))
		return ZC_EUSAGE;
	return put_rec(t, k, final_key(entry, k), rec);
}

int zc_tx_final_get(zc_txn *t, const char *entry, json_t **rec)
{
	unsigned char k[ENTRY_MAX + 4];
	*rec = NULL;
	if (!entry_ok(entry))
		return ZC_EUSAGE;
	return get_rec(t, k, final_key(entry, k), rec);
}

int zc_tx_final_del(zc_txn *t, const char *entry)
{
	unsigned char k[ENTRY_MAX + 4];
	if (!entry_ok(entry))
		return ZC_EUSAGE;
	return zc_tx_del(t, ZC_T_CODINGS, k, final_key(entry, k));
}

/* A key split into its parts: kind 'c' (entry, coder, round) or 'f' (entry); 0 when it is
   neither (a record another zhengce wrote: skipped). */
typedef struct parsed_key {
	char entry[ENTRY_MAX + 1];
	char coder[CODER_MAX + 1];
	unsigned round;
	int kind;
} parsed_key;

static int parse_key(const unsigned char *k, size_t n, parsed_key *pk)
{
	const unsigned char *z = memchr(k, 0, n);
	pk->kind = 0;
	if (!z || z == k || (size_t)(z - k) > ENTRY_MAX || (size_t)(z - k) + 2 > n)
		return 0;
	size_t el = (size_t)(z - k);
	memcpy(pk->entry, k, el);
	pk->entry[el] = '\0';
	const unsigned char *p = z + 1, *end = k + n;
	if (*p == 'f' && p + 1 == end) {
		pk->kind = 'f';
		return 'f';
	}
	if (*p != 'c' || p + 2 >= end || p[1] != 0)
		return 0;
	p += 2;
	const unsigned char *z2 = memchr(p, 0, (size_t)(end - p));
	if (!z2 || z2 == p || (size_t)(z2 - p) > CODER_MAX || (size_t)(end - z2) != 9)
		return 0;
	memcpy(pk->coder, p, (size_t)(z2 - p));
	pk->coder[z2 - p] = '\0';
	uint64_t r = zc_key_u64(z2 + 1);
	if (r < 1 || r > ROUND_MAX)
		return 0;
	pk->round = (unsigned)r;
	pk->kind = 'c';
	return 'c';
}

typedef struct walk {
	int kind;
	zc_coding_fn cfn;
	zc_final_fn ffn;
	void *arg;
	int result;
	uint64_t nc, nf;
} walk;

static int walk_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	walk *w = arg;
	parsed_key pk;
	int kind = parse_key(key, klen, &pk);
	if (kind == 'c')
		w->nc++;
	else if (kind == 'f')
		w->nf++;
	if (!kind || kind != w->kind)
		return 0;
	json_t *rec = zc_record_parse(val, vlen);
	if (!rec)
		return 0;	/* damaged: check reports it */
	w->result = kind == 'c' ? w->cfn(pk.entry, pk.coder, pk.round, rec, w->arg) : w->ffn(pk.entry, rec, w->arg);
	json_decref(rec);
	return w->result;
}

int zc_tx_codings_each(zc_txn *t, zc_coding_fn fn, void *arg)
{
	if (!zc_tx_has(t, ZC_T_CODINGS))
		return ZC_OK;
	walk w = {'c', fn, NULL, arg, 0, 0, 0};
	int rc = zc_tx_scan(t, ZC_T_CODINGS, "", 0, walk_one, &w);
	return rc != ZC_OK ? rc : w.result;
}

int zc_tx_finals_each(zc_txn *t, zc_final_fn fn, void *arg)
{
	if (!zc_tx_has(t, ZC_T_CODINGS))
		return ZC_OK;
	walk w = {'f', NULL, fn, arg, 0, 0, 0};
	int rc = zc_tx_scan(t, ZC_T_CODINGS, "", 0, walk_one, &w);
	return rc != ZC_OK ? rc : w.result;
}

int zc_tx_codings_count(zc_txn *t, uint64_t *codings, uint64_t *finals)
{
	*codings = *finals = 0;
	if (!zc_tx_has(t, ZC_T_CODINGS))
		return ZC_OK;
	walk w = {0, NULL, NULL, NULL, 0, 0, 0};
	int rc = zc_tx_scan(t, ZC_T_CODINGS, "", 0, walk_one, &w);
	*codings = w.nc;
	*finals = w.nf;
	return rc;
}

static int meta_rec_get(zc_txn *t, const char *name, json_t **rec)
{
	return zc_tx_get_json(t, ZC_T_META, name, rec);
}

int zc_tx_codebook_put(zc_txn *t, json_t *rec)
{
	return zc_tx_put_json(t, ZC_T_META, "codebook", rec);
}

int zc_tx_codebook_get(zc_txn *t, json_t **rec)
{
	return meta_rec_get(t, "codebook", rec);
}

int zc_tx_normalisation_put(zc_txn *t, json_t *rec)
{
	return zc_tx_put_json(t, ZC_T_META, "normalisation", rec);
}

int zc_tx_normalisation_get(zc_txn *t, json_t **rec)
{
	return meta_rec_get(t, "normalisation", rec);
}
