/* frontier.c - the frontier: per-host FIFO queues of requests, and the crawl run's seen set. */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t frontier_key(const char *host, uint64_t seq, unsigned char *out, size_t cap)
{
	size_t hl = strlen(host);
	if (hl + 9 > cap)
		hl = cap - 9;
	memcpy(out, host, hl);
	out[hl] = '\0';
	zc_u64_key(seq, out + hl + 1);
	return hl + 9;
}

int zc_tx_frontier_push(zc_txn *t, const char *host, json_t *req, const char *seen_key, int *added)
{
	int rc;
	*added = 0;
	if (seen_key) {
		size_t kl = strlen(seen_key);
		rc = zc_tx_get(t, ZC_T_SEEN, seen_key, kl, NULL, NULL);
		if (rc == ZC_OK)
			return ZC_OK;
		if (rc != ZC_ENOTFOUND)
			return rc;
		if ((rc = zc_tx_put(t, ZC_T_SEEN, seen_key, kl, "", 0)) != ZC_OK)
			return rc;
	}
	/* the next sequence number: one counter for all hosts, in meta */
	char *v = NULL;
	uint64_t seq = 1;
	if (zc_tx_meta_get(t, "frontier_seq", &v) == ZC_OK)
		seq = strtoull(v, NULL, 10) + 1;
	free(v);
	char num[24];
	snprintf(num, sizeof num, "%llu", (unsigned long long)seq);
	if ((rc = zc_tx_meta_put(t, "frontier_seq", num)) != ZC_OK)
		return rc;
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	rc = zc_tx_put_record(t, ZC_T_FRONTIER, key, kl, req);
	if (rc == ZC_OK)
		*added = 1;
	/* a push walks three trees (seen, meta, frontier), each page read mapping its neighbours,
	   and one search answer pushes some twenty requests: look at the mapped pages after each */
	zc_index_trim(t->idx);
	return rc;
}

int zc_tx_frontier_peek(zc_txn *t, const char *host, uint64_t after, uint64_t *seq, json_t **req)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, after + 1, key, sizeof key);
	size_t plen = kl - 8;
	MDB_cursor *c;
	MDB_val k = {kl, key}, v;
	*req = NULL;
	int mrc = mdb_cursor_open(t->txn, dbi(t, ZC_T_FRONTIER), &c);
	if (mrc != 0)
		return zc_db_err(mrc);
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	int rc = ZC_ENOTFOUND;
	if (mrc == 0 && k.mv_size == kl && memcmp(k.mv_data, key, plen) == 0) {
		*seq = zc_key_u64((const char *)k.mv_data + plen);
		*req = zc_record_parse(v.mv_data, v.mv_size);
		rc = *req ? ZC_OK : ZC_EPARSE;
	}
	mdb_cursor_close(c);
	return rc;
}

static int count_one(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	(void)val;
	(void)vlen;
	uint64_t *n = arg;	/* n[0] counted, n[1] cap */
	return ++n[0] >= n[1];
}

uint64_t zc_tx_frontier_count(zc_txn *t, const char *host, uint64_t cap)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, 0, key, sizeof key);
	uint64_t n[2] = {0, cap};
	if (cap && zc_tx_scan(t, ZC_T_FRONTIER, key, kl - 8, count_one, n) != ZC_OK)
		return n[0];	/* as far as it read: a display's count */
	return n[0];
}

int zc_tx_frontier_del(zc_txn *t, const char *host, uint64_t seq)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	return zc_tx_del(t, ZC_T_FRONTIER, key, kl);
}

int zc_tx_frontier_replace(zc_txn *t, const char *host, uint64_t seq, json_t *req)
{
	unsigned char key[300];
	size_t kl = frontier_key(host, seq, key, sizeof key);
	return zc_tx_put_record(t, ZC_T_FRONTIER, key, kl, req);
}

int zc_tx_frontier_total(zc_txn *t, uint64_t *n)
{
	return zc_tx_count(t, ZC_T_FRONTIER, n);
}

int zc_tx_frontier_reset(zc_txn *t)
{
	int rc = zc_tx_clear(t, ZC_T_SEEN);
	return rc == ZC_OK ? zc_tx_clear(t, ZC_T_FRONTIER) : rc;
}
