/* libFuzzer: the WARC reader of any writer's files (zc_warc_scan): the input as an uncompressed
   file, as one gzip stream (a file gzipped whole) and as a gzip member per line, read whole
   and from each record's place, and from a place the last bytes give; each record's block as
   the HTTP answer import reads (zc_warc_http_body: chunked, gzip and deflate bodies). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "crawler.h"
#include "fuzz_file.h"
#include "zc.h"

static volatile size_t sink;	/* what the reads add up to, kept from being optimised away */

typedef struct places {
	zc_warc_pos at[16];
	int n;
} places;

static int on_record(const zc_warc_record *r, void *arg)
{
	places *p = arg;
	/* what import reads of a record: its fields and its block */
	const char *type = json_string_value(json_object_get(r->headers, "WARC-Type"));
	size_t sum = type ? strlen(type) : 0;
	for (size_t i = 0; r->block && i < r->len; i += 64)
		sum += (unsigned char)r->block[i];
	sink += sum;
	if (p && p->n < 16)
		p->at[p->n++] = r->at;
	/* and the HTTP answer in its block, as import reads it */
	if (r->block) {
		long status = 0;
		char *ctype = NULL;
		const char *why = NULL;
		zc_buf body;
		zc_buf_init(&body, 1 << 20);
		zc_warc_http_body(r->block, r->len, &status, &ctype, &body, &why);
		sink += body.len + (size_t)status;
		free(ctype);
		zc_buf_free(&body);
	}
	return 0;
}

static void read_file(const char *path, const uint8_t *data, size_t size)
{
	places p = {.n = 0};
	char *err = NULL;
	zc_warc_scan(path, NULL, 0, on_record, &p, &err);
	free(err);
	for (int i = 0; i < p.n; i++) {
		zc_warc_scan(path, &p.at[i], 1, on_record, NULL, &err);
		free(err);
	}
	if (size >= 2) {
		zc_warc_pos at = {data[size - 1] % (long long)size, data[size - 2] % 64};
		zc_warc_scan(path, &at, 1, on_record, NULL, &err);
		free(err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/zc-fuzz-warc-XXXXXX";
	if (fuzz_file(path, data, size))
		return 0;
	read_file(path, data, size);
	/* gzipped whole */
	gzFile g = gzopen(path, "wb1");
	if (g) {
		gzwrite(g, data, (unsigned)size);
		gzclose(g);
		read_file(path, data, size);
	}
	/* a member per line */
	unlink(path);
	for (size_t at = 0; at < size;) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t n = nl ? (size_t)(nl - (data + at)) + 1 : size - at;
		g = gzopen(path, "ab1");
		if (!g)
			break;
		gzwrite(g, data + at, (unsigned)n);
		gzclose(g);
		at += n;
	}
	read_file(path, data, size);
	unlink(path);
	return 0;
}
