/*
 * bench_frontier: the crawl frontier at a size no mirror reaches.  Pushes N article requests
 * spread over 64 hosts through the index API, in transactions of 64 as the crawler commits
 * them, then drains it host by host (peek, delete) as the scheduler does.
 * usage: bench_frontier DIR N
 * Prints: N, seconds to fill, seconds to drain, requests drained, peak RSS (KB: VmHWM, this
 * image's own high-water mark; ru_maxrss would include that of a parent that vforked it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index.h"
#include "zc.h"

#define HOSTS 64
#define BATCH 64

typedef struct fill {
	zc_index *idx;
	long from, to;
} fill;

static void host_name(long i, char *out, size_t n)
{
	snprintf(out, n, "www.site%02ld.gov.cn", i % HOSTS);
}

static int fill_txn(zc_txn *t, void *arg)
{
	fill *f = arg;
	int rc = ZC_OK;
	for (long i = f->from; i < f->to && rc == ZC_OK; i++) {
		char host[64], url[160];
		int added;
		host_name(i, host, sizeof host);
		snprintf(url, sizeof url, "https://%s/zwgk/%08ld/t%ld_%ld.html", host, i / 1000, i, i * 7919 % 100003);
		zc_request req;
		zc_request_init(&req);
		req.kind = "article";
		req.site = host;
		req.url = url;
		req.method = "GET";
		rc = zc_tx_frontier_push(t, host, &req, &added);
		/* as the crawler looks at the mapped pages after each result (a search answer
		   carries some twenty requests; the index looks after every push too) */
		if (i % 16 == 15)
			zc_index_trim(f->idx);
	}
	return rc;
}

typedef struct drain {
	zc_index *idx;
	long n;		/* drained so far */
	int empty[HOSTS];
} drain;

static int drain_txn(zc_txn *t, void *arg)
{
	drain *d = arg;
	int rc = ZC_OK, took = 0;
	for (int h = 0; h < HOSTS && rc == ZC_OK && took < BATCH; h++) {
		char host[64];
		uint64_t seq;
		zc_request req;
		if (d->empty[h])
			continue;
		host_name(h, host, sizeof host);
		int prc = zc_tx_frontier_peek(t, host, 0, &seq, &req);
		zc_request_clear(&req);
		if (prc != ZC_OK) {
			d->empty[h] = 1;
			continue;
		}
		rc = zc_tx_frontier_del(t, host, seq);
		d->n++;
		/* the crawler peeks in short read transactions, looking at the mapped pages every 8,
		   and deletes a request with its result, looking after each (crawl.c, flush_txn) */
		took++;
		zc_index_trim(d->idx);
	}
	return rc;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_frontier DIR N\n");
		return 2;
	}
	long n;
	if (zc_parse_long(argv[2], 1, 1000000000, &n) != ZC_OK) {
		fprintf(stderr, "bench_frontier: N %s is not a number from 1 to 1000000000\n", argv[2]);
		return 2;
	}
	zc_index *idx;
	int rc = zc_index_open(argv[1], 0, &idx);
	if (rc != ZC_OK) {
		fprintf(stderr, "bench_frontier: cannot open %s: %s\n", argv[1], zc_strerror(rc));
		return 1;
	}
	double t0 = seconds();
	for (long i = 0; i < n && rc == ZC_OK; i += BATCH) {
		fill f = {idx, i, i + BATCH < n ? i + BATCH : n};
		rc = zc_index_write(idx, fill_txn, &f);
		zc_index_trim(idx);
	}
	double t1 = seconds();
	drain d = {.idx = idx};
	for (;;) {
		long before = d.n;
		if (rc == ZC_OK)
			rc = zc_index_write(idx, drain_txn, &d);
		zc_index_trim(idx);
		if (rc != ZC_OK || d.n == before)
			break;
	}
	double t2 = seconds();
	long hwm = 0;
	FILE *st = fopen("/proc/self/status", "r");
	char line[256];
	while (st && fgets(line, sizeof line, st))
		if (!strncmp(line, "VmHWM:", 6))
			hwm = strtol(line + 6, NULL, 10);	/* "VmHWM:   1234 kB" */
	if (st)
		fclose(st);
	zc_index_close(&idx);
	if (rc != ZC_OK) {
		fprintf(stderr, "bench_frontier: %s\n", zc_strerror(rc));
		return 1;
	}
	printf("%ld\t%.2f\t%.2f\t%ld\t%ld\n", n, t1 - t0, t2 - t1, d.n, hwm);
	return d.n == n ? 0 : 1;
}
