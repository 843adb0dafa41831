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

/* the two readings of one record must agree: field by field, or both refuse it */
#define SAME(a, b) do { if (strcmp((a), (b))) abort(); } while (0)

static void same_strings(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		abort();
	for (size_t i = 0; i < na; i++)
		SAME(a[i], b[i]);
}

static void same_decision(const zc_decision *a, const zc_decision *b)
{
	SAME(a->criteria.decision, b->criteria.decision);
	SAME(a->criteria.reason, b->criteria.reason);
	SAME(a->criteria.evidence, b->criteria.evidence);
	const char *const sa[] = {a->key, a->abolition_keys[0], a->abolition_keys[1], a->jurisdiction, a->url, a->date,
				  a->published_date, a->docno, a->decision, a->reason, a->evidence, a->canonical_url};
	const char *const sb[] = {b->key, b->abolition_keys[0], b->abolition_keys[1], b->jurisdiction, b->url, b->date,
				  b->published_date, b->docno, b->decision, b->reason, b->evidence, b->canonical_url};
	same_strings(sa, 12, sb, 12);
	same_strings(a->sources, a->n_sources, b->sources, b->n_sources);
	if (a->rank != b->rank || a->file_code != b->file_code || a->entries != b->entries)
		abort();
}

/* the body aside: the peek leaves it as the rest of the record says */
static void same_page(const zc_page *a, const zc_page *b)
{
	const zc_page_doc *x = &a->doc, *y = &b->doc;
	const char *const sa[] = {a->url, a->site, a->site_kind, a->jurisdiction, a->fetched_at, a->digest, a->warc.file,
				  a->warc.record_id, a->warc.payload_record_id, x->url, x->title, x->docno,
				  x->written_date, x->published_date, x->type, x->validity, x->column, x->charset};
	const char *const sb[] = {b->url, b->site, b->site_kind, b->jurisdiction, b->fetched_at, b->digest, b->warc.file,
				  b->warc.record_id, b->warc.payload_record_id, y->url, y->title, y->docno,
				  y->written_date, y->published_date, y->type, y->validity, y->column, y->charset};
	same_strings(sa, 18, sb, 18);
	same_strings(x->issuers, x->n_issuers, y->issuers, y->n_issuers);
	if (a->id != b->id || a->warc.offset != b->warc.offset || a->warc.skip != b->warc.skip ||
	    x->bad_bytes != y->bad_bytes || x->challenge != y->challenge || x->n_attachments != y->n_attachments)
		abort();
	for (size_t i = 0; i < x->n_attachments; i++) {
		SAME(x->attachments[i].name, y->attachments[i].name);
		SAME(x->attachments[i].url, y->attachments[i].url);
	}
}

/* The record read in place (zc_page_peek, zc_decision_peek) against the jansson reading: a
   MessagePack page record's body is replaced by "" first, since the peek does not read it
   (and so does not refuse a body that is not UTF-8). */
static void peek_vs_decode(const uint8_t *data, size_t size)
{
	zc_decision d1, d2;
	int r1 = zc_decision_decode(data, size, &d1), r2 = zc_decision_peek(data, size, &d2);
	if (r1 != r2)
		abort();
	if (r1 == 0)
		same_decision(&d1, &d2);
	zc_decision_clear(&d1);
	zc_decision_clear(&d2);
	size_t head = 0, len = 0;
	if (size && (data[0] & 0xe0) == 0xa0) {
		head = 1, len = data[0] & 0x1f;
	} else if (size >= 2 && data[0] == 0xd9) {
		head = 2, len = data[1];
	} else if (size >= 3 && data[0] == 0xda) {
		head = 3, len = (size_t)data[1] << 8 | data[2];
	}
	if (!head || head + len > size)
		return;
	uint8_t *empty = malloc(size - head - len + 1);
	empty[0] = 0xa0;
	memcpy(empty + 1, data + head + len, size - head - len);
	zc_page p1, p2;
	r1 = zc_page_decode(empty, size - head - len + 1, &p1);
	r2 = zc_page_peek(data, size, &p2);
	if (r1 != r2)
		abort();
	if (r1 == 0)
		same_page(&p1, &p2);
	zc_page_clear(&p1);
	zc_page_clear(&p2);
	free(empty);
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
	peek_vs_decode(data, size);
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
