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

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
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
	    (len2 && !EVP_DigestUpdate(ctx, data2, len2)) || !EVP_DigestFinal_ex(ctx, md, &mdlen))
		abort();	/* as for memory: see zc_warc_digest in crawler.h */
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
		zc_buf_cats(&h, parts[i]);
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
		zc_buf_cats(&extra, "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/server-not-modified\r\n");
		body = NULL;
		bodylen = 0;
	} else if (revisit_of_digest && !strcmp(revisit_of_digest, pdigest)) {
		type = "revisit";
		const char *parts[] = {"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
				       "WARC-Refers-To-Target-URI: ", url, "\r\nWARC-Payload-Digest: ", pdigest, "\r\n"};
		for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
			zc_buf_cats(&extra, parts[i]);
		body = NULL;
		bodylen = 0;
	} else {
		zc_buf_cats(&extra, "WARC-Payload-Digest: ");
		zc_buf_cats(&extra, pdigest);
		zc_buf_cats(&extra, "\r\n");
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
 * The gzip members of the file at path, one after another: *complete is where the last whole
 * member ends, *size the file's size.  ZC_OK when members fill the file; ZC_EPARSE when what
 * follows *complete is not a whole member: one cut short, or damage.
 */
static int members(const char *path, long long from, long long *complete, long long *size)
{
	*complete = *size = from;
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? ZC_ENOTFOUND : ZC_EIO;
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		fclose(f);
		return ZC_EIO;
	}
	enum { CHUNK = 65536 };
	unsigned char *in = zc_malloc(CHUNK), *buf = zc_malloc(CHUNK);
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
			if (zr == Z_STREAM_END) {
				*complete = at + (long long)(z.next_in - in);
				inflateReset(&z);
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
	if (rc == ZC_OK && *complete != at)
		rc = ZC_EPARSE;
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
		int mrc = members(path, 0, &complete, &size);
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

/*
 * Reading WARC files of any writer (zhengce's, wget's, warcio's, Heritrix's, a browser
 * archiver's): WARC/1.0 and 1.1; a gzip member per record, the whole file one gzip stream, or
 * no compression, told by the first bytes.  The file is streamed: memory holds the record
 * being read (its block up to ZC_WARC_MAX_BLOCK), never the file.  Every record has a place a
 * later read can start from (zc_warc_pos): the file offset of the gzip member it begins in
 * and how many inflated bytes of that member come before it (0 for a record per member), or
 * its offset in an uncompressed file.  Damage or a file cut short ends the walk with a message
 * that names the offset and what was wrong, after the records before it.
 *
 * A cut and damage are told apart by what follows.  A file that ends inside a gzip member, a
 * record's header or its block, with nothing after (a writer at work, or killed), has a cut
 * tail: every record whose header and block are in hand before the end is read (a deflate
 * stream cut short inflates to a prefix of its text), and the walk ends with ZC_ECUT.  A fault
 * with bytes after it (gzip data that does not inflate or whose checksum is wrong, bytes that
 * are not a member, a header that is not WARC, a block that holds the start of the records
 * after it) is damage: ZC_EPARSE, and nothing of a damaged member is taken.
 */
#define SCAN_CHUNK 65536
#define MAX_HEAD (256 * 1024)
#define LOOKAHEAD (1024 * 1024)

typedef struct member_start {
	long long pos;		/* stream position (inflated bytes before it) */
	long long off;		/* file offset of its gzip header */
} member_start;

typedef struct scan {
	FILE *f;
	const char *path;
	int gz;
	z_stream z;
	int z_ready, in_member;
	unsigned char *in;
	size_t in_len, in_pos;
	long long in_off;	/* file offset of in[0] */
	long long limit;	/* the file's size when the walk began: what a writer adds after is not read */
	int eof;		/* nothing more to read from the file */
	int damaged;		/* ... since what follows is damage (s->err says what): ZC_EPARSE */
	long long bad_pos;	/* ... from this stream position on */
	int cut;		/* ... since it ended inside the gzip member that starts at cut_off */
	long long cut_off;
	long long tail;		/* a cut tail's file offset (ZC_ECUT) */
	char *text;		/* inflated (or raw) bytes not consumed yet: text[start..len) */
	size_t start, len, cap;
	long long text_pos;	/* stream position of text[start] */
	member_start *mem;
	size_t n_mem, cap_mem;
	char *err;
} scan;

static int scan_fail(scan *s, long long off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int scan_fail(scan *s, long long off, const char *fmt, ...)
{
	if (!s->err) {
		char what[256];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
		s->err = zc_asprintf("%s: at offset %lld: %s", s->path, off, what);
	}
	return ZC_EPARSE;
}

/* the file ends in part of what starts at file offset off (a record, or a gzip member): a cut
   tail, unless damage came first */
static int scan_cut(scan *s, long long off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int scan_cut(scan *s, long long off, const char *fmt, ...)
{
	if (s->damaged)
		return ZC_EPARSE;	/* said already */
	if (!s->err) {
		char what[256];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
		s->err = zc_asprintf("%s: at offset %lld: the file ends inside %s: a cut tail, the records before it are whole",
				     s->path, off, what);
		s->tail = off;
	}
	return ZC_ECUT;
}

static void text_room(scan *s, size_t more)
{
	if (s->start > 0 && (s->start >= s->len / 2 || s->len + more > s->cap)) {
		memmove(s->text, s->text + s->start, s->len - s->start);
		s->len -= s->start;
		s->start = 0;
	}
	if (s->len + more + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : SCAN_CHUNK;
		while (cap < s->len + more + 1)
			cap *= 2;
		s->text = zc_realloc(s->text, cap);
		s->cap = cap;
	}
}

/* bytes in hand */
static size_t avail(const scan *s)
{
	return s->len - s->start;
}

static void consume(scan *s, size_t n)
{
	s->start += n;
	s->text_pos += (long long)n;
	while (s->n_mem > 1 && s->mem[1].pos <= s->text_pos) {	/* members wholly behind */
		memmove(s->mem, s->mem + 1, (s->n_mem - 1) * sizeof *s->mem);
		s->n_mem--;
	}
}

/* what follows the bytes in hand is damage: the records before it are read, then the walk ends
   with the error.  Nothing of the member being inflated is taken (what it inflated to before
   the fault may be wrong already) */
static void damage(scan *s)
{
	s->damaged = ZC_EPARSE;
	s->eof = 1;
	s->bad_pos = s->in_member && s->n_mem ? s->mem[s->n_mem - 1].pos : s->text_pos + (long long)avail(s);
	s->in_member = 0;
}

/* reads the file on until want bytes are in hand or it ends (or damage follows) */
static int fill(scan *s, size_t want)
{
	while (avail(s) < want && !s->eof) {
		if (s->in_pos == s->in_len) {
			s->in_off += (long long)s->in_len;
			long long left = s->limit - s->in_off;
			s->in_len = left > 0 ? fread(s->in, 1, left < SCAN_CHUNK ? (size_t)left : SCAN_CHUNK, s->f) : 0;
			s->in_pos = 0;
			if (ferror(s->f))
				return ZC_EIO;
			if (!s->in_len) {
				s->eof = 1;
				if (s->in_member) {	/* all it inflated to is in hand, and good */
					s->cut = 1;
					s->cut_off = s->mem[s->n_mem - 1].off;
					s->in_member = 0;
				}
				break;
			}
		}
		if (!s->gz) {
			text_room(s, s->in_len - s->in_pos);
			memcpy(s->text + s->len, s->in + s->in_pos, s->in_len - s->in_pos);
			s->len += s->in_len - s->in_pos;
			s->in_pos = s->in_len;
			continue;
		}
		if (!s->in_member) {
			long long off = s->in_off + (long long)s->in_pos;
			if (s->in[s->in_pos] != 0x1f || (s->in_pos + 1 < s->in_len && s->in[s->in_pos + 1] != 0x8b)) {
				scan_fail(s, off, "bytes after a gzip member that are not another gzip member");
				damage(s);
				break;
			}
			if (s->n_mem == s->cap_mem) {
				s->cap_mem = s->cap_mem ? 2 * s->cap_mem : 8;
				s->mem = zc_realloc(s->mem, s->cap_mem * sizeof *s->mem);
			}
			s->mem[s->n_mem].pos = s->text_pos + (long long)avail(s);
			s->mem[s->n_mem++].off = off;
			if (inflateReset(&s->z) != Z_OK)
				return ZC_EIO;
			s->in_member = 1;
		}
		text_room(s, SCAN_CHUNK);
		s->z.next_in = s->in + s->in_pos;
		s->z.avail_in = (uInt)(s->in_len - s->in_pos);
		s->z.next_out = (unsigned char *)s->text + s->len;
		s->z.avail_out = SCAN_CHUNK;
		int zr = inflate(&s->z, Z_NO_FLUSH);
		s->len += SCAN_CHUNK - s->z.avail_out;
		s->in_pos = s->in_len - s->z.avail_in;
		if (zr == Z_STREAM_END)
			s->in_member = 0;
		else if (zr != Z_OK && !(zr == Z_BUF_ERROR && s->z.avail_in == 0)) {
			scan_fail(s, s->mem[s->n_mem - 1].off, "damaged gzip data (%s)", s->z.msg ? s->z.msg : "inflate failed");
			damage(s);
		}
	}
	if (s->text)
		s->text[s->len] = '\0';
	return ZC_OK;
}

/* where the record at the current stream position starts */
static zc_warc_pos here(const scan *s)
{
	zc_warc_pos p = {s->text_pos, 0};
	if (s->gz && s->n_mem) {
		size_t i = s->n_mem;
		while (i > 1 && s->mem[i - 1].pos > s->text_pos)
			i--;
		p.offset = s->mem[i - 1].off;
		p.skip = s->text_pos - s->mem[i - 1].pos;
	}
	return p;
}

/* "warc-record-id" -> "WARC-Record-ID": header names are case-insensitive (WARC 1.1, 4) */
static char *field_name(const char *k, size_t n)
{
	char *o = zc_strndup(k, n);
	int first = 1;
	for (char *p = o; *p; p++) {
		*p = first ? (char)toupper((unsigned char)*p) : (char)tolower((unsigned char)*p);
		first = *p == '-';
	}
	static const char *const upper[] = {"Warc", "Id", "Uri", "Ip"};
	for (char *w = o; *w;) {
		size_t len = strcspn(w, "-");
		for (size_t i = 0; i < sizeof upper / sizeof *upper; i++)
			if (len == strlen(upper[i]) && !strncmp(w, upper[i], len))
				for (size_t j = 0; j < len; j++)
					w[j] = (char)toupper((unsigned char)w[j]);
		w += len;
		if (*w)
			w++;
	}
	return o;
}

/* past what separates records (the two CRLF after a block, and whatever blank lines a writer
   adds): ZC_OK with *none set when the file has no more bytes (then the damage that ended it,
   if any, is the result), the cut when it ends in a gzip member */
static int skip_gap(scan *s, int *none)
{
	*none = 0;
	for (;;) {
		int rc = fill(s, 1);
		if (rc != ZC_OK)
			return rc;
		if (!avail(s)) {
			if (s->cut && !s->damaged)	/* a member begun, or its end, not there */
				return scan_cut(s, s->cut_off, "a gzip member");
			*none = 1;
			return s->damaged;
		}
		char ch = s->text[s->start];
		if (ch != '\r' && ch != '\n')
			return ZC_OK;
		consume(s, 1);
	}
}

/* the file ends inside what begins as a record header (looked bytes): a cut, unless they are
   no WARC record's start */
static int header_cut(scan *s, long long off, size_t looked)
{
	size_t k = 0;
	while (k < looked && k < 8 && s->text[s->start + k] == "WARC/1.x"[k])
		k++;
	if (s->damaged || k == looked || (k == 7 && (s->text[s->start + 7] == '0' || s->text[s->start + 7] == '1')))
		return scan_cut(s, off, "a record header (%zu bytes)", looked);
	return scan_fail(s, off, "not a WARC record (the file ends in it)");
}

/* the length of the record header that starts the bytes in hand, up to its blank line, read
   on as far as needed (off: the record's place, for the error) */
static int header_len(scan *s, long long off, size_t *hlen)
{
	size_t looked = 0;
	*hlen = 0;
	for (;;) {
		char *t = s->text + s->start;
		char *e = memmem(t + (looked > 3 ? looked - 3 : 0), avail(s) - (looked > 3 ? looked - 3 : 0), "\n\r\n", 3);
		char *e2 = memmem(t + (looked > 2 ? looked - 2 : 0), avail(s) - (looked > 2 ? looked - 2 : 0), "\n\n", 2);
		if (e && (!e2 || e < e2))
			*hlen = (size_t)(e - t) + 3;
		else if (e2)
			*hlen = (size_t)(e2 - t) + 2;
		if (*hlen)
			return ZC_OK;
		looked = avail(s);
		if (looked > MAX_HEAD)
			return scan_fail(s, off, "a record header longer than %d KB (not WARC?)", MAX_HEAD / 1024);
		if (s->eof)
			return header_cut(s, off, looked);
		int rc = fill(s, avail(s) + 4096);
		if (rc != ZC_OK)
			return rc;
	}
}

/* the version line of the header t: WARC/1.0 or WARC/1.1, its length in *vlen */
static int header_version(scan *s, long long off, const char *t, size_t hlen, size_t *vlen)
{
	if (strncmp(t, "WARC/", 5) != 0) {
		char shown[24];
		size_t k = 0;
		for (; k < 16 && k < hlen && t[k] >= 0x20 && t[k] < 0x7f; k++)
			shown[k] = t[k];
		shown[k] = '\0';
		return scan_fail(s, off, "not a WARC record (it begins \"%s\")", shown);
	}
	*vlen = strcspn(t, "\r\n");
	if (!((*vlen == 8 && (!strncmp(t, "WARC/1.0", 8) || !strncmp(t, "WARC/1.1", 8)))))
		return scan_fail(s, off, "WARC version \"%.*s\" is not 1.0 or 1.1", (int)(*vlen < 20 ? *vlen : 20), t);
	return ZC_OK;
}

/* one header line [line, le) into h, its Content-Length into *clen */
static int header_field(scan *s, long long off, const char *line, const char *le, json_t *h, long long *clen)
{
	const char *colon = memchr(line, ':', (size_t)(le - line));
	if (!colon || colon == line)
		return scan_fail(s, off, "a header line without a name and a colon: \"%.*s\"", (int)((le - line) < 40 ? (le - line) : 40),
				 line);
	char *k = field_name(line, (size_t)(colon - line));
	const char *v = colon + 1, *ve = le;
	while (v < ve && (*v == ' ' || *v == '\t'))
		v++;
	while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
		ve--;
	if (!strcmp(k, "Content-Length")) {
		char *end;
		errno = 0;
		*clen = v < ve && isdigit((unsigned char)*v) ? strtoll(v, &end, 10) : -1;
		if (*clen < 0 || errno || end != ve) {
			free(k);
			return scan_fail(s, off, "Content-Length \"%.*s\" is not a number", (int)((ve - v) < 24 ? (ve - v) : 24), v);
		}
	}
	json_object_set_new(h, k, json_stringn(v, (size_t)(ve - v)));
	free(k);
	return ZC_OK;
}

/* the header of hlen bytes that starts the bytes in hand: its fields into *out (a new object)
   and its Content-Length into *clen */
static int header_read(scan *s, long long off, size_t hlen, json_t **out, long long *clen)
{
	const char *t = s->text + s->start;
	size_t vlen = 0;
	int rc = header_version(s, off, t, hlen, &vlen);
	if (rc != ZC_OK)
		return rc;
	json_t *h = json_object();
	json_object_set_new(h, "version", json_stringn(t, vlen));
	*clen = -1;
	const char *line = t + vlen, *hend = t + hlen;
	while (rc == ZC_OK && line < hend) {
		while (line < hend && (*line == '\r' || *line == '\n'))
			line++;
		if (line >= hend)
			break;
		const char *e = memchr(line, '\n', (size_t)(hend - line));
		const char *le = e ? e : hend;
		rc = header_field(s, off, line, le, h, clen);
		line = le;
	}
	if (rc == ZC_OK && *clen < 0)
		rc = scan_fail(s, off, "a record without Content-Length");
	if (rc != ZC_OK) {
		json_decref(h);
		return rc;
	}
	*out = h;
	return ZC_OK;
}

/* a block held whole (up to ZC_WARC_MAX_BLOCK), read in and handed to fn with r; the record's
   header of hlen bytes began at stream position at_pos */
static int block_held(scan *s, zc_warc_record *r, long long at_pos, size_t hlen, zc_warc_scan_fn fn, void *arg)
{
	long long clen = (long long)r->len, off = r->at.offset;
	int rc = fill(s, r->len);
	if (rc != ZC_OK)
		return rc;
	/* a record in a gzip member still open: read on to the member's end (its checksum), or up
	   to LOOKAHEAD past the block in a file that is one member */
	while (rc == ZC_OK && s->gz && s->in_member && !s->eof && avail(s) < r->len + LOOKAHEAD)
		rc = fill(s, avail(s) + 1);
	if (rc == ZC_OK && s->damaged && at_pos + (long long)hlen + clen > s->bad_pos)
		rc = ZC_EPARSE;	/* the fault is said already */
	if (rc == ZC_OK && avail(s) < r->len) {
		/* a block that holds the start of records after it: a Content-Length too large
		   (damage; a record archiving a WARC file, cut inside, would be taken for it too) */
		const char *b = s->text + s->start;
		int more = memmem(b, avail(s), "\r\n\r\nWARC/1.0\r\n", 14) || memmem(b, avail(s), "\r\n\r\nWARC/1.1\r\n", 14);
		rc = more ? scan_fail(s, off, "the block (%lld bytes by its Content-Length) holds the records after it", clen)
			  : scan_cut(s, off, "a record's block (%zu of %lld bytes)", avail(s), clen);
	}
	if (rc != ZC_OK)
		return rc;
	r->block = s->text + s->start;
	/* the block NUL-terminated for the callback, the byte after it put back */
	char saved = r->block[r->len];
	s->text[s->start + r->len] = '\0';
	rc = fn(r, arg);
	s->text[s->start + r->len] = saved;
	consume(s, r->len);
	return rc;
}

/* a block too large to hold: fn has the record's headers, then its bytes are skipped */
static int block_skipped(scan *s, zc_warc_record *r, zc_warc_scan_fn fn, void *arg)
{
	long long clen = (long long)r->len;
	int rc = fn(r, arg);
	for (long long left = clen; left > 0 && rc == ZC_OK;) {
		int frc = fill(s, SCAN_CHUNK);
		if (frc != ZC_OK)
			return frc;
		size_t n = avail(s) < (unsigned long long)left ? avail(s) : (size_t)left;
		if (!n)
			return scan_cut(s, r->at.offset, "a record's block (%lld of %lld bytes)", clen - left, clen);
		consume(s, n);
		left -= (long long)n;
	}
	return rc;
}

/* the record whose header starts the bytes in hand: fn has it (*stop when fn stopped the walk);
   *ended when the file has ended before another record */
static int scan_record(scan *s, zc_warc_scan_fn fn, void *arg, int *stop, int *ended)
{
	int none, rc = skip_gap(s, &none);
	if (none)
		*ended = rc == ZC_OK;
	if (rc != ZC_OK || none)
		return rc;
	zc_warc_pos at = here(s);
	long long at_pos = s->text_pos, clen;
	size_t hlen;
	json_t *h = NULL;
	if ((rc = header_len(s, at.offset, &hlen)) != ZC_OK || (rc = header_read(s, at.offset, hlen, &h, &clen)) != ZC_OK)
		return rc;
	zc_warc_record r = {h, NULL, (size_t)clen, at};
	consume(s, hlen);
	int held = (unsigned long long)clen <= ZC_WARC_MAX_BLOCK;
	if (held)
		rc = block_held(s, &r, at_pos, hlen, fn, arg);
	else
		rc = block_skipped(s, &r, fn, arg);
	json_decref(h);
	/* a held block that failed before fn had it is the file's fault, not a stop */
	if (rc != ZC_OK && (!held || r.block))
		*stop = 1;
	return rc;
}

/* zc_warc_scan, and at a cut tail (ZC_ECUT) *tail_bytes: the file's bytes from the place of
   the record or member cut short */
static int scan_file(const char *path, const zc_warc_pos *from, int one, zc_warc_scan_fn fn, void *arg, char **err,
		     long long *tail_bytes)
{
	scan s = {0};
	s.path = path;
	if (err)
		*err = NULL;
	s.f = fopen(path, "rb");
	if (!s.f) {
		int e = errno;
		if (err)
			*err = zc_asprintf("%s: %s", path, strerror(e));
		return e == ENOENT ? ZC_ENOTFOUND : ZC_EIO;
	}
	long long off = from ? from->offset : 0;
	unsigned char magic[2] = {0, 0};
	int rc = ZC_OK;
	if (off < 0 || fseeko(s.f, (off_t)off, SEEK_SET) != 0) {
		rc = scan_fail(&s, off, "no such offset");
	} else {
		/* the file as it is now: its form told from its first bytes, and nothing read past its
		   end (a writer at work adds to it: an empty file told uncompressed, then read on into
		   the gzip written since, was damage) */
		struct stat st;
		s.limit = fstat(fileno(s.f), &st) == 0 ? (long long)st.st_size : 0;
		size_t m = s.limit - off >= 2 ? fread(magic, 1, 2, s.f) : s.limit - off == 1 ? fread(magic, 1, 1, s.f) : 0;
		s.gz = m >= 1 && magic[0] == 0x1f && (m == 1 || magic[1] == 0x8b);	/* one byte: a member cut */
		if (fseeko(s.f, (off_t)off, SEEK_SET) != 0)
			rc = ZC_EIO;
	}
	s.in = zc_malloc(SCAN_CHUNK);
	s.in_off = off;
	s.text_pos = s.gz ? 0 : off;
	if (rc == ZC_OK && s.gz) {
		if (inflateInit2(&s.z, 15 + 16) != Z_OK)
			rc = ZC_EIO;
		else
			s.z_ready = 1;
	}
	/* a place inside a member: its inflated bytes before the record, passed over */
	for (long long skip = from && s.gz ? from->skip : 0; rc == ZC_OK && skip > 0;) {
		if ((rc = fill(&s, SCAN_CHUNK)) != ZC_OK)
			break;
		size_t n = avail(&s) < (unsigned long long)skip ? avail(&s) : (size_t)skip;
		if (!n)
			rc = scan_fail(&s, off, "the member holds fewer than %lld bytes", from->skip);
		consume(&s, n);
		skip -= (long long)n;
	}
	int stop = 0, got = 0, ended = 0;
	while (rc == ZC_OK && !stop) {
		rc = scan_record(&s, fn, arg, &stop, &ended);
		if (ended) {
			rc = got || !one ? ZC_OK : scan_fail(&s, off, "no record there (the file ends)");
			break;
		}
		got++;
		if (rc == ZC_OK && one)
			break;
	}
	if (tail_bytes)	/* a cut is found at the end of the file, where the input's offset is */
		*tail_bytes = rc == ZC_ECUT ? s.in_off - s.tail : 0;
	if (s.z_ready)
		inflateEnd(&s.z);
	fclose(s.f);
	free(s.in);
	free(s.text);
	free(s.mem);
	if (err)
		*err = s.err;
	else
		free(s.err);
	return rc;
}

/* zhengce's own files, read with the same reader */
typedef struct reader {
	zc_warc_record_fn fn;
	void *arg;
} reader;

static int own_record(const zc_warc_record *r, void *arg)
{
	reader *rd = arg;
	return rd->fn(r->headers, r->block ? r->block : "", r->block ? r->len : 0, rd->arg);
}

int zc_warc_read(const char *path, zc_warc_record_fn fn, void *arg, long long *cut)
{
	reader r = {fn, arg};
	/* the marker looked at before the file is read: without it the file was closed, whole, before
	   the read began (the writer removes it after closing), and a cut is not a writer's */
	char *mark = zc_asprintf("%s" OPEN_MARK, path);
	int open = cut && access(mark, F_OK) == 0;
	free(mark);
	long long tail = 0;
	int rc = scan_file(path, NULL, 0, own_record, &r, NULL, &tail);
	if (cut)
		*cut = 0;
	if (rc == ZC_ECUT && open) {
		*cut = tail;
		rc = ZC_OK;
	}
	return rc;
}

int zc_warc_scan(const char *path, const zc_warc_pos *from, int one, zc_warc_scan_fn fn, void *arg, char **err)
{
	return scan_file(path, from, one, fn, arg, err, NULL);
}

int zc_warc_read_at(const char *path, long long offset, zc_warc_record_fn fn, void *arg)
{
	reader r = {fn, arg};
	zc_warc_pos at = {offset, 0};
	return zc_warc_scan(path, &at, 1, own_record, &r, NULL);
}

const char *zc_warc_name(const zc_warc *w)
{
	return w->name;
}
