/* libFuzzer: the files a user edits or keeps (seed file, profile), the WARC reader (the input
   as a file, read whole and from an offset, and as the text of one) and a stored page record
   or any other record (the input as its bytes: MessagePack or JSON), a document's or an entry's
   code as typed. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "crawler.h"
#include "fuzz_file.h"
#include "index.h"
#include "select.h"

static int on_record(json_t *h, const char *block, size_t len, void *arg)
{
	(void)h;
	(void)block;
	(void)len;
	(void)arg;
	return 0;
}

/* the bytes as the text of a WARC file, in two gzip members cut where the first byte says:
   the reader's record parsing, past the checksums that keep mutated gzip from reaching it */
static void warc_text(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/zc-fuzz-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return;
	close(fd);
	size_t cut = size ? (size_t)data[0] * size / 256 : 0;
	gzFile g = gzopen(path, "wb");
	if (g) {
		gzwrite(g, data, (unsigned)cut);
		gzclose(g);
	}
	g = gzopen(path, "ab");
	if (g) {
		gzwrite(g, data + cut, (unsigned)(size - cut));
		gzclose(g);
	}
	zc_warc_read(path, on_record, NULL, NULL);
	zc_warc_read_at(path, 0, on_record, NULL);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/zc-fuzz-XXXXXX";
	if (fuzz_file(path, data, size))
		return 0;
	zc_seeds s;
	char *err = NULL;
	if (zc_seeds_load(path, &s, &err) == 0)
		zc_seeds_free(&s);
	free(err);
	zc_profile *p = NULL;
	err = NULL;
	zc_profile_load(path, &p, &err);
	zc_profile_free(&p);
	free(err);
	zc_warc_read(path, on_record, NULL, NULL);
	zc_warc_read_at(path, size ? data[size - 1] % (long long)size : 0, on_record, NULL);
	unlink(path);
	warc_text(data, size);
	zc_page page;
	if (zc_page_decode(data, size, &page) == 0) {
		size_t n = strlen(page.url) + strlen(page.doc.body) + page.doc.n_issuers + page.dec.n_sources;
		for (size_t i = 0; i < page.doc.n_attachments; i++)
			n += strlen(page.doc.attachments[i].url);
		if (n == (size_t)-1)
			abort();
	}
	zc_page_clear(&page);
	json_t *rec = zc_record_parse(data, size);	/* decisions, frontier requests, entries */
	if (rec)
		free(json_dumps(rec, JSON_COMPACT));
	json_decref(rec);
	zc_fetch f;	/* a fetch state's codec: decoded, then encoded again */
	if (zc_fetch_decode(data, size, &f) == 0) {
		json_t *fj = zc_fetch_json(&f);
		free(json_dumps(fj, JSON_COMPACT));
		json_decref(fj);
	}
	zc_fetch_clear(&f);
	zc_request r;	/* a frontier request's codec, likewise */
	if (zc_request_decode(data, size, &r) == 0) {
		json_t *rj = zc_request_json(&r);
		free(json_dumps(rj, JSON_COMPACT));
		json_decref(rj);
	}
	zc_request_clear(&r);
	/* a code as a researcher types it (zhengce why 33-12-3-2) */
	char *code = strndup((const char *)data, size);
	long n[4];
	if (code)
		zc_code_parse(code, n);
	free(code);
	return 0;
}
