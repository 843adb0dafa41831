/*
 * warc.c - WARC/1.1 archive: one gzip member per record, request and response linked by
 * WARC-Concurrent-To, WARC-Payload-Digest sha1:BASE32 over the (de-chunked) body, revisit
 * records for 304 answers and for payloads identical to the URL's previous capture.  Files are
 * named zhengce-YYYYMMDDhhmmss-PID-NNNNN.warc.gz under DIR/warc and rolled at a size.  A record
 * is flushed to the file before zc_warc_exchange() returns, and zc_warc_sync() makes it durable
 * (the file's data, and its directory entry when the file is new): the crawl calls it before
 * the LMDB commit that stores the pages naming its records.
 */
#define _GNU_SOURCE	/* memmem */
#include "crawler.h"
#include "../common/zc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>

struct zc_warc {
	char *dir;
	FILE *f;
	char name[128];
	size_t max;
	long long size;
	int serial;
	struct libdeflate_compressor *small;	/* records up to SMALL_RECORD, whole */
	unsigned char *rec, *gz;		/* such a record and its gzip member */
	size_t gz_cap;
	z_stream z;		/* larger records, streamed: one deflate state, reset for each */
	int z_ready;
	unsigned char rnd[512];	/* random bytes for record ids, 32 ids per system call */
	size_t rnd_used;
	int unsynced;		/* records written since the last zc_warc_sync */
	int dir_unsynced;	/* a file made since then: its directory to sync */
};

/*
 * Records are gzip members at the fastest level.  Nearly all of them (pages of a few to a few
 * hundred KB) are compressed whole by libdeflate, 2.6 times zlib's speed on the mirror's pages
 * at the same ratio (docs/DEPENDENCIES.md); the rare larger one is streamed through zlib, so
 * that no record, whatever its size, is held twice in memory.
 */
#define SMALL_RECORD (1024 * 1024)

static void now_iso(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void uuid(zc_warc *w, char *out, size_t n)
{
	/* one system call for 32 ids (two records per request: opening /dev/urandom for each was
	   a third of a crawl's system calls, one getrandom each still a tenth) */
	if (w->rnd_used + 16 > sizeof w->rnd) {
		if (getrandom(w->rnd, sizeof w->rnd, 0) != (ssize_t)sizeof w->rnd) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			for (size_t i = 0; i < sizeof w->rnd; i++)
				w->rnd[i] = (unsigned char)((ts.tv_nsec >> (i % 8)) ^ (getpid() << (i % 16)) ^ rand());
		}
		w->rnd_used = 0;
	}
	unsigned char *b = w->rnd + w->rnd_used;
	w->rnd_used += 16;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	/* "<urn:uuid:" 8-4-4-4-12 hex digits ">" written by hand: snprintf read its format of
	   sixteen conversions at every record, 6,000 instructions an id */
	static const char hex[] = "0123456789abcdef", head[] = "<urn:uuid:";
	char id[sizeof head - 1 + 36 + 2];
	char *o = id + sizeof head - 1;
	memcpy(id, head, sizeof head - 1);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o++ = '>';
	*o = '\0';
	snprintf(out, n, "%s", id);
}

/* the SHA-1 of data followed by data2 (len2 may be 0), as WARC writes it */
static void sha1_base32(const char *data, size_t len, const char *data2, size_t len2, char *out)
{
	/* the algorithm fetched and the context made once: OpenSSL 3 looks the algorithm up again
	   at every EVP_sha1() init, which cost more than the digest of a request record */
	static EVP_MD *sha1;
	static EVP_MD_CTX *ctx;
	unsigned char md[20];
	unsigned int mdlen = 0;
	if (!sha1)
		sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	if (!ctx)
		ctx = EVP_MD_CTX_new();
	if (!sha1 || !ctx || !EVP_DigestInit_ex(ctx, sha1, NULL) || !EVP_DigestUpdate(ctx, data, len) ||
	    (len2 && !EVP_DigestUpdate(ctx, data2, len2)) || !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
		fprintf(stderr, "zhengce: OpenSSL cannot compute SHA-1\n");
		abort();
	}
	static const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	int o = 0;
	memcpy(out, "sha1:", 5);
	o = 5;
	for (int i = 0; i < 20; i += 5) {
		unsigned long long v = 0;
		for (int k = 0; k < 5; k++)
			v = (v << 8) | md[i + k];
		for (int k = 7; k >= 0; k--)
			out[o++] = alpha[(v >> (k * 5)) & 31];
	}
	out[o] = '\0';
}

void zc_warc_digest(const char *body, size_t len, char *out)
{
	sha1_base32(body, len, NULL, 0, out);
}

/*
 * A file being written has a marker beside it (NAME.warc.gz.open), made before the file and
 * removed once the file is closed.  A marker left behind means its crawl was killed, perhaps in
 * the middle of a record: a record is one write(), but the kernel gives up a write to a file page
 * by page when the process is killed, so the file may end in part of a gzip member.  The next
 * crawl cuts such a part (zc_warc_repair); zhengce check reads the records before it.
 */
#define OPEN_MARK ".open"

static int close_file(zc_warc *w)
{
	int rc = fclose(w->f) == 0 ? ZC_OK : ZC_EIO;
	w->f = NULL;
	if (rc == ZC_OK) {
		char *mark = zc_asprintf("%s/%s" OPEN_MARK, w->dir, w->name);
		unlink(mark);
		free(mark);
	}
	return rc;
}

static int open_next(zc_warc *w)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
	/* the file closed is synced first: the pages that point into it are committed after */
	if (w->f && (zc_warc_sync(w) != ZC_OK || close_file(w) != ZC_OK))
		return ZC_EIO;
	snprintf(w->name, sizeof w->name, "zhengce-%s-%ld-%05d.warc.gz", stamp, (long)getpid(), w->serial++);
	char *path = zc_asprintf("%s/%s", w->dir, w->name);
	char *mark = zc_asprintf("%s" OPEN_MARK, path);
	int fd = open(mark, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		close(fd);
		w->f = fopen(path, "wbx");
	}
	int err = errno;
	free(mark);
	free(path);
	if (!w->f)
		return zc_write_error(err);
	w->size = 0;
	w->dir_unsynced = 1;
	return ZC_OK;
}

static int put_bytes(zc_warc *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		return zc_write_error(errno);
	w->size += (long long)n;
	return ZC_OK;
}

/* a record is written as its parts: the WARC header, the block in one or two pieces (an answer's
   header and its body, not copied together) and the closing blank lines */
#define PARTS 4

static int gzip_whole(zc_warc *w, const char *const parts[PARTS], const size_t lens[PARTS])
{
	if (!w->small) {
		if (!(w->small = libdeflate_alloc_compressor(1)))
			return ZC_EIO;
		w->rec = zc_malloc(SMALL_RECORD);
		w->gz_cap = libdeflate_gzip_compress_bound(w->small, SMALL_RECORD);
		w->gz = zc_malloc(w->gz_cap);
	}
	size_t n = 0;
	for (int p = 0; p < PARTS; p++) {
		if (lens[p])
			memcpy(w->rec + n, parts[p], lens[p]);
		n += lens[p];
	}
	size_t z = libdeflate_gzip_compress(w->small, w->rec, n, w->gz, w->gz_cap);
	return z ? put_bytes(w, w->gz, z) : ZC_EIO;
}

static int gzip_streamed(zc_warc *w, const char *const parts[PARTS], const size_t lens[PARTS])
{
	if (!w->z_ready) {
		memset(&w->z, 0, sizeof w->z);
		if (deflateInit2(&w->z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return ZC_EIO;
		w->z_ready = 1;
	} else if (deflateReset(&w->z) != Z_OK) {
		return ZC_EIO;
	}
	z_stream *z = &w->z;
	unsigned char out[16384];
	int rc = ZC_OK;
	for (int p = 0; p < PARTS && rc == ZC_OK; p++) {
		z->next_in = (unsigned char *)parts[p];
		z->avail_in = (uInt)lens[p];
		int flush = p == PARTS - 1 ? Z_FINISH : Z_NO_FLUSH;
		do {
			z->next_out = out;
			z->avail_out = sizeof out;
			if (deflate(z, flush) == Z_STREAM_ERROR) {
				rc = ZC_EIO;
				break;
			}
			rc = put_bytes(w, out, sizeof out - z->avail_out);
		} while (rc == ZC_OK && (z->avail_out == 0 || (flush == Z_FINISH && z->avail_in > 0)));
	}
	return rc;
}

/* one gzip member holding one record, its block being block and block2 one after the other */
static int write_record(zc_warc *w, const char *head, size_t hlen, const char *block, size_t blen,
			const char *block2, size_t blen2)
{
	long long start = w->size;
	const char *const parts[PARTS] = {head, block, block2, "\r\n\r\n"};
	const size_t lens[PARTS] = {hlen, blen, blen2, 4};
	int rc = hlen + blen + blen2 + 4 <= SMALL_RECORD ? gzip_whole(w, parts, lens) : gzip_streamed(w, parts, lens);
	if (rc == ZC_OK && fflush(w->f) != 0)
		rc = zc_write_error(errno);
	if (rc == ZC_OK)
		w->unsynced = 1;
	if (rc != ZC_OK) {
		/* leave no partial record behind (a full disk): cut the file back to the last
		   complete record, so the archive stays valid WARC */
		clearerr(w->f);
		if (ftruncate(fileno(w->f), (off_t)start) == 0 && fseeko(w->f, (off_t)start, SEEK_SET) == 0)
			w->size = start;
	}
	return rc;
}

/* a record whose block is block followed by block2 (blen2 may be 0) */
static int record(zc_warc *w, const char *type, const char *url, const char *id, const char *concurrent,
		  const char *ctype, const char *extra, const char *block, size_t blen, const char *block2,
		  size_t blen2)
{
	char date[32], bdigest[48];
	now_iso(date, sizeof date);
	sha1_base32(block, blen, block2, blen2, bdigest);
	/* the header in pieces, not printf's: two records a request, each formatted anew */
	char clen[24];
	snprintf(clen, sizeof clen, "%zu", blen + blen2);
	const char *parts[] = {
		"WARC/1.1\r\nWARC-Type: ", type, "\r\nWARC-Record-ID: ", id, "\r\nWARC-Date: ", date, "\r\n",
		url ? "WARC-Target-URI: " : "", url ? url : "", url ? "\r\n" : "",
		concurrent ? "WARC-Concurrent-To: " : "", concurrent ? concurrent : "", concurrent ? "\r\n" : "",
		"WARC-Block-Digest: ", bdigest, "\r\n", extra ? extra : "",
		"Content-Type: ", ctype, "\r\nContent-Length: ", clen, "\r\n\r\n",
	};
	zc_buf h;
	zc_buf_init(&h, ZC_BUF_UNLIMITED);
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		zc_buf_addstr(&h, parts[i]);
	int rc = write_record(w, h.data, h.len, block, blen, block2, blen2);
	zc_buf_free(&h);
	return rc;
}

int zc_warc_open(const char *dir, size_t max_bytes, zc_warc **out)
{
	zc_warc *w = zc_calloc(1, sizeof *w);
	*out = NULL;
	w->dir = zc_asprintf("%s/warc", dir);
	w->rnd_used = sizeof w->rnd;	/* none drawn yet */
	w->max = max_bytes ? max_bytes : (size_t)1 << 30;
	if (mkdir(w->dir, 0755) != 0 && errno != EEXIST) {
		int rc = zc_write_error(errno);
		free(w->dir);
		free(w);
		return rc;
	}
	int rc = open_next(w);
	if (rc == ZC_OK) {
		char id[64];
		uuid(w, id, sizeof id);
		const char *info = "software: zhengce/" ZC_VERSION "\r\nformat: WARC File Format 1.1\r\n"
				   "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n";
		char extra[200];
		snprintf(extra, sizeof extra, "WARC-Filename: %s\r\n", w->name);
		rc = record(w, "warcinfo", NULL, id, NULL, "application/warc-fields", extra, info, strlen(info), NULL, 0);
	}
	if (rc == ZC_OK)
		rc = zc_warc_sync(w);
	if (rc != ZC_OK) {
		zc_warc_close(&w);
		return rc;
	}
	*out = w;
	return ZC_OK;
}

void zc_warc_close(zc_warc **pw)
{
	zc_warc *w = *pw;
	if (!w)
		return;
	if (w->f)
		close_file(w);
	if (w->z_ready)
		deflateEnd(&w->z);
	if (w->small)
		libdeflate_free_compressor(w->small);
	free(w->rec);
	free(w->gz);
	free(w->dir);
	free(w);
	*pw = NULL;
}

int zc_warc_exchange(zc_warc *w, const char *url, const char *request, size_t reqlen,
		     const char *resp_head, size_t headlen, const char *body, size_t bodylen,
		     const char *digest, int status, const char *revisit_of_digest, zc_warc_ref *ref)
{
	int rc;
	if (w->size > 0 && (size_t)w->size >= w->max && (rc = open_next(w)) != ZC_OK)
		return rc;
	char req_id[64], resp_id[64], pdigest[48];
	uuid(w, req_id, sizeof req_id);
	uuid(w, resp_id, sizeof resp_id);
	if ((rc = record(w, "request", url, req_id, NULL, "application/http;msgtype=request", NULL, request, reqlen,
			 NULL, 0)))
		return rc;
	snprintf(ref->file, sizeof ref->file, "%s", w->name);
	ref->offset = w->size;
	snprintf(ref->record_id, sizeof ref->record_id, "%s", resp_id);
	if (digest)
		snprintf(pdigest, sizeof pdigest, "%s", digest);
	else
		sha1_base32(body, bodylen, NULL, 0, pdigest);
	/* the headers that depend on the answer, grown with the URL (a URL has no length limit) */
	zc_buf extra;
	zc_buf_init(&extra, ZC_BUF_UNLIMITED);
	const char *type = "response";
	if (status == 304) {
		type = "revisit";
		zc_buf_addstr(&extra, "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/server-not-modified\r\n");
		body = NULL;
		bodylen = 0;
	} else if (revisit_of_digest && !strcmp(revisit_of_digest, pdigest)) {
		type = "revisit";
		const char *parts[] = {"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
				       "WARC-Refers-To-Target-URI: ", url, "\r\nWARC-Payload-Digest: ", pdigest, "\r\n"};
		for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
			zc_buf_addstr(&extra, parts[i]);
		body = NULL;
		bodylen = 0;
	} else {
		zc_buf_addstr(&extra, "WARC-Payload-Digest: ");
		zc_buf_addstr(&extra, pdigest);
		zc_buf_addstr(&extra, "\r\n");
	}
	rc = record(w, type, url, resp_id, req_id, "application/http;msgtype=response", extra.data, resp_head, headlen,
		    body, bodylen);
	zc_buf_free(&extra);
	return rc;
}

int zc_warc_sync(zc_warc *w)
{
	if (!w || !w->f)
		return ZC_OK;
	if (w->dir_unsynced) {
		/* a file made since the last sync: its directory entry too, or a crash loses the file */
		int dfd = open(w->dir, O_RDONLY | O_DIRECTORY);
		int rc = dfd >= 0 && fsync(dfd) == 0 ? ZC_OK : zc_write_error(errno);
		if (dfd >= 0)
			close(dfd);
		if (rc != ZC_OK)
			return rc;
		w->dir_unsynced = 0;
	}
	if (!w->unsynced)
		return ZC_OK;
	if (fdatasync(fileno(w->f)) != 0)
		return zc_write_error(errno);
	w->unsynced = 0;
	return ZC_OK;
}

/*
 * The gzip members of the file at path, one after another from offset from (0: its start).
 * With member not NULL, each whole member is inflated onto the end of text and member(text,
 * arg) takes what it can from its front: memory holds one member (a record, as zhengce writes
 * them) and not the file.  *complete is where the last whole member ends, *size the file's
 * size.  ZC_OK when members fill the file; ZC_EPARSE when what follows *complete is not a whole
 * member: one cut short, or damage; else what member returned when it stopped the walk.
 */
typedef int (*member_fn)(zc_buf *text, void *arg);

static int members(const char *path, long long from, member_fn member, void *arg, long long *complete, long long *size)
{
	*complete = *size = from;
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? ZC_ENOTFOUND : ZC_EIO;
	if (from && fseeko(f, (off_t)from, SEEK_SET) != 0) {
		fclose(f);
		return ZC_EIO;
	}
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		fclose(f);
		return ZC_EIO;
	}
	enum { CHUNK = 65536 };
	unsigned char *in = zc_malloc(CHUNK), *buf = zc_malloc(CHUNK);
	zc_buf text;
	zc_buf_init(&text, ZC_BUF_UNLIMITED);
	size_t whole = 0;	/* what of text the whole members inflated to */
	long long at = from;	/* the file offset of in[0] */
	int rc = ZC_OK;
	size_t n;
	while (rc == ZC_OK && (n = fread(in, 1, CHUNK, f)) > 0) {
		z.next_in = in;
		z.avail_in = (uInt)n;
		do {
			z.next_out = buf;
			z.avail_out = CHUNK;
			int zr = inflate(&z, Z_NO_FLUSH);
			size_t got = CHUNK - z.avail_out;
			if (member && got)
				zc_buf_add(&text, buf, got);
			if (zr == Z_STREAM_END) {
				*complete = at + (long long)(z.next_in - in);
				inflateReset(&z);
				if (member)
					rc = member(&text, arg);
				whole = text.len;
			} else if (zr == Z_BUF_ERROR && z.avail_in == 0) {
				break;	/* the output was full and nothing more is pending: more input */
			} else if (zr != Z_OK) {
				rc = ZC_EPARSE;	/* not gzip, or damaged */
			}
		} while (rc == ZC_OK && (z.avail_in > 0 || z.avail_out == 0));
		at += (long long)n;
	}
	if (ferror(f))
		rc = ZC_EIO;
	inflateEnd(&z);
	fclose(f);
	free(in);
	free(buf);
	*size = at;
	/* whole members that did not end in a whole record are damage too */
	if (rc == ZC_OK && (*complete != at || whole > 0))
		rc = ZC_EPARSE;
	zc_buf_free(&text);
	return rc;
}

int zc_warc_repair(const char *dir, zc_warc_repair_fn note, void *arg)
{
	char *wdir = zc_asprintf("%s/warc", dir);
	DIR *d = opendir(wdir);
	int rc = ZC_OK;
	struct dirent *e;
	while (d && rc == ZC_OK && (e = readdir(d))) {
		if (!zc_str_ends(e->d_name, ".warc.gz" OPEN_MARK))
			continue;
		char *mark = zc_asprintf("%s/%s", wdir, e->d_name);
		char *path = zc_strndup(mark, strlen(mark) - strlen(OPEN_MARK));
		long long complete, size;
		int mrc = members(path, 0, NULL, NULL, &complete, &size);
		if (mrc == ZC_EPARSE) {
			if (truncate(path, (off_t)complete) != 0)
				rc = ZC_EIO;
			else if (note)
				note(path + strlen(wdir) + 1, size - complete, arg);
		} else if (mrc == ZC_EIO) {
			rc = ZC_EIO;
		}
		if (rc == ZC_OK && unlink(mark) != 0)
			rc = ZC_EIO;
		free(path);
		free(mark);
	}
	if (d)
		closedir(d);
	free(wdir);
	return rc;
}

typedef struct reader {
	zc_warc_record_fn fn;
	void *arg;
	int one;		/* stop after the first record (zc_warc_read_at) */
	int got;		/* ... and it has been read: the walk's result is READ_ONE, not fn's */
} reader;

/* what records() returns when it stops after one record (r->got says so, whatever fn returns) */
#define READ_ONE 1

/* the whole records at the front of text, each handed to the reader's fn and taken away */
static int records(zc_buf *text, void *arg)
{
	reader *r = arg;
	size_t pos = 0;
	int rc = ZC_OK;
	while (pos < text->len && rc == ZC_OK) {
		char *at = text->data + pos;
		size_t left = text->len - pos;
		if (left < 7)
			break;	/* the rest of the record is in the next member */
		if (memcmp(at, "WARC/1.", 7) != 0)
			return ZC_EPARSE;
		/* searches bounded by what is there (strstr would stop at a NUL) */
		char *end = memmem(at, left, "\r\n\r\n", 4);
		if (!end)
			break;
		json_t *h = json_object();
		long long clen = -1;
		char *line = (char *)memmem(at, (size_t)(end + 2 - at), "\r\n", 2) + 2;
		json_object_set_new(h, "version", json_stringn(at, (size_t)(line - 2 - at)));
		while (line < end) {
			char *e = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
			char *colon = memchr(line, ':', (size_t)(e - line));
			if (colon) {
				char *k = zc_strndup(line, (size_t)(colon - line));
				const char *v = colon + 1;
				while (*v == ' ')
					v++;
				json_object_set_new(h, k, json_stringn(v, (size_t)(e - v)));
				if (!strcasecmp(k, "Content-Length"))
					clen = strtoll(v, NULL, 10);
				free(k);
			}
			line = e + 2;
		}
		size_t bstart = (size_t)(end + 4 - text->data);
		if (clen < 0) {
			json_decref(h);
			return ZC_EPARSE;
		}
		if (bstart + (size_t)clen + 4 > text->len) {
			json_decref(h);
			break;	/* its block goes on in the next member */
		}
		rc = r->fn(h, text->data + bstart, (size_t)clen, r->arg);
		json_decref(h);
		pos = bstart + (size_t)clen + 4;
		if (rc == ZC_OK && r->one) {
			r->got = 1;
			rc = READ_ONE;
		}
	}
	if (pos) {
		memmove(text->data, text->data + pos, text->len - pos);
		text->len -= pos;
		text->data[text->len] = '\0';
	}
	return rc;
}

int zc_warc_read(const char *path, zc_warc_record_fn fn, void *arg, long long *cut)
{
	reader r = {fn, arg, 0, 0};
	long long complete, size;
	int rc = members(path, 0, records, &r, &complete, &size);
	if (cut)
		*cut = 0;
	if (rc == ZC_EPARSE && cut && size > complete) {
		/* a file whose crawl was killed: the records before the cut */
		char *mark = zc_asprintf("%s" OPEN_MARK, path);
		if (access(mark, F_OK) == 0) {
			*cut = size - complete;
			rc = ZC_OK;
		}
		free(mark);
	}
	return rc;
}

int zc_warc_read_at(const char *path, long long offset, zc_warc_record_fn fn, void *arg)
{
	reader r = {fn, arg, 1, 0};
	long long complete, size;
	int rc = members(path, offset, records, &r, &complete, &size);
	/* the walk stops after the first record; fn's own result, 1 included, comes back as it is;
	   ZC_OK without a record means none before the file's end */
	if (r.got)
		return ZC_OK;
	return rc == ZC_OK ? ZC_EPARSE : rc;
}

const char *zc_warc_name(const zc_warc *w)
{
	return w->name;
}
