/*
 * import.c - WARC files of any archiving crawler into the corpus (zhengce import): each
 * response record of a seed site's URL (a revisit through the record it refers to) goes through
 * the parser, the selection's input and the index as a crawl's fetched article does
 * (zc_article_take, zc_article_store); search answers and list pages of the seeds' endpoints
 * are recorded as answers, not documents; each stored page names the imported file and the
 * record's place.  A capture replaces a stored page only when it is newer (WARC-Date against
 * fetched_at) and differs (its digest): importing a file again adds nothing, and an import killed
 * at any moment is resumed by running it again (every batch is one transaction).
 */
#define _GNU_SOURCE	/* memmem, strcasestr */
#include "crawler.h"
#include "../common/zc.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#define BATCH 64

typedef struct pending_page {
	char *url;
	char *site;		/* the site whose documents it is, for its import mark; NULL: none */
	zc_article *page;	/* a new page, or NULL */
	zc_fetch fetch;		/* its fetch state, when has_fetch */
	int has_fetch;
} pending_page;

/* a revisit record, resolved once every file is read (its original may come later) */
typedef struct revisit_rec {
	char *url, *when, *id;	/* its bare URI, date (warc_time) and record id */
	size_t file_no;		/* where it is */
	zc_warc_pos at;
	/* what it says of the response it refers to, as written */
	char *refers_to, *refers_uri, *refers_date, *digest;
} revisit_rec;

/* where a response a revisit refers to is */
typedef struct original {
	size_t file_no;
	zc_warc_pos at;
} original;

typedef struct importer {
	zc_index *idx;
	const zc_seeds *seeds;
	const zc_warc_import_opts *o;
	zc_article_fn article;
	void *arg;
	zc_warc_import_summary *sum;
	const char *path;	/* the file being read (absolute) */
	size_t file_no;
	pending_page batch[BATCH];
	size_t n_batch;
	/* keys revisits refer by -> 1 + the index in found of the response's place, 0 while none */
	json_t *originals;
	original *found;
	size_t n_found, cap_found;
	revisit_rec *revisits;	/* the revisit records met */
	size_t n_revisits, cap_revisits;
	json_t *sites;		/* host -> documents of the site in the files */
	char when_run[32];
	int rc;			/* a failed write: the import stops */
} importer;

/* a line to the caller's note (o->note), its end cut when too long */
static void say(const importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const importer *im, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	zc_vnote(im->o->note, im->o->note_arg, fmt, ap);
	va_end(ap);
}

/* ---- HTTP in a response record's block ---- */

typedef struct http_answer {
	long status;
	const char *head;	/* the header lines (after the status line) */
	size_t head_len;
	const char *body;
	size_t body_len;
} http_answer;

static int http_parse(const char *block, size_t len, http_answer *a)
{
	memset(a, 0, sizeof *a);
	if (len < 12 || strncmp(block, "HTTP/", 5) != 0)
		return ZC_EPARSE;
	const char *sp = memchr(block, ' ', len < 16 ? len : 16);
	if (!sp || sp + 4 > block + len)
		return ZC_EPARSE;
	char code[4] = {sp[1], sp[2], sp[3], '\0'};
	char *end;
	a->status = strtol(code, &end, 10);
	if (*end || a->status < 100)
		return ZC_EPARSE;
	const char *eol = memchr(block, '\n', len);
	if (!eol)
		return ZC_EPARSE;
	const char *hstart = eol + 1, *hend = memmem(block, len, "\r\n\r\n", 4);
	size_t sep = 4;
	const char *lf = memmem(block, len, "\n\n", 2);
	if (!hend || (lf && lf < hend)) {
		hend = lf;
		sep = 2;
	}
	if (!hend) {	/* no body: the header runs to the end */
		a->head = hstart;
		a->head_len = (size_t)(block + len - hstart);
		a->body = block + len;
		return ZC_OK;
	}
	a->head = hstart;
	a->head_len = hend >= hstart ? (size_t)(hend - hstart) : 0;
	a->body = hend + sep;
	a->body_len = (size_t)(block + len - a->body);
	return ZC_OK;
}

/* a header's value (new string), or NULL */
static char *http_header(const http_answer *a, const char *name)
{
	size_t nl = strlen(name);
	const char *p = a->head, *end = a->head + a->head_len;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		const char *le = e ? e : end;
		if ((size_t)(le - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1, *ve = le;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			return zc_strndup(v, (size_t)(ve - v));
		}
		p = le + 1;
	}
	return NULL;
}

/* a chunked body (RFC 9112, 7.1) decoded into out; ZC_EPARSE when it is not */
static int unchunk(const char *p, size_t len, zc_buf *out)
{
	const char *end = p + len;
	for (;;) {
		char *e;
		errno = 0;
		unsigned long long n = strtoull(p, &e, 16);
		if (e == p || errno)
			return ZC_EPARSE;
		const char *nl = memchr(e, '\n', (size_t)(end - e));
		if (!nl)
			return ZC_EPARSE;
		p = nl + 1;
		if (n == 0)
			return ZC_OK;
		if (n > (unsigned long long)(end - p))
			return ZC_EPARSE;
		if (zc_buf_add(out, p, (size_t)n) != ZC_OK)
			return ZC_ETOOBIG;
		p += n;
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
	}
}

/* a gzip or deflate body inflated into out */
static int inflate_body(const char *p, size_t len, int gz, zc_buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, gz ? 15 + 16 : 15 + 32) != Z_OK)
		return ZC_EIO;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)len;
	unsigned char buf[65536];
	int zr, rc = ZC_OK;
	do {
		z.next_out = buf;
		z.avail_out = sizeof buf;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = ZC_EPARSE;
			break;
		}
		if (zc_buf_add(out, buf, sizeof buf - z.avail_out) != ZC_OK) {
			rc = ZC_ETOOBIG;
			break;
		}
	} while (zr != Z_STREAM_END && (z.avail_in > 0 || z.avail_out == 0));
	inflateEnd(&z);
	return rc;
}

/* the body as the server meant it: transfer and content codings undone (a writer that archived
   the bytes as they came); *why says what could not be */
static int decode_body(const http_answer *a, zc_buf *out, const char **why)
{
	char *te = http_header(a, "Transfer-Encoding"), *ce = http_header(a, "Content-Encoding");
	int rc = ZC_OK;
	zc_buf tmp;
	zc_buf_init(&tmp, ZC_WARC_MAX_BLOCK);
	const char *p = a->body;
	size_t n = a->body_len;
	if (te && strcasestr(te, "chunked")) {
		if ((rc = unchunk(p, n, &tmp)) != ZC_OK)
			*why = "a chunked body that does not decode";
		p = tmp.data ? tmp.data : "";
		n = tmp.len;
	}
	if (rc == ZC_OK && ce && *ce && strcasecmp(ce, "identity")) {
		if (!strcasecmp(ce, "gzip") || !strcasecmp(ce, "x-gzip") || !strcasecmp(ce, "deflate")) {
			if ((rc = inflate_body(p, n, strcasecmp(ce, "deflate") != 0, out)) != ZC_OK)
				*why = "a compressed body that does not inflate";
		} else {
			rc = ZC_EPARSE;
			*why = "a Content-Encoding zhengce does not decode (not gzip or deflate)";
		}
	} else if (rc == ZC_OK && zc_buf_add(out, p, n) != ZC_OK) {
		rc = ZC_ETOOBIG;
	}
	zc_buf_free(&tmp);
	free(te);
	free(ce);
	return rc;
}

int zc_warc_http_body(const char *block, size_t len, long *status, char **ctype, zc_buf *body, const char **why)
{
	http_answer a;
	*ctype = NULL;
	*why = "not an HTTP response";
	if (http_parse(block, len, &a) != ZC_OK)
		return ZC_EPARSE;
	*status = a.status;
	*ctype = http_header(&a, "Content-Type");
	*why = NULL;
	int rc = decode_body(&a, body, why);
	if (rc != ZC_OK && !*why)
		*why = "a body larger than any page";
	return rc;
}

/* ---- what a URL is to the seeds ---- */

/* whether url matches an endpoint template, its {…} standing for any text (scheme ignored) */
static int template_match(const char *tpl, const char *url)
{
	const char *t = strstr(tpl, "://"), *u = strstr(url, "://");
	t = t ? t + 3 : tpl;
	u = u ? u + 3 : url;
	/* glob with {...} as *, iteratively with one backtrack point */
	const char *star_t = NULL, *star_u = NULL;
	while (*u) {
		if (*t == '{') {
			const char *close = strchr(t, '}');
			if (!close)
				return 0;
			star_t = t = close + 1;
			star_u = u;
		} else if (*t && *t == *u) {
			t++;
			u++;
		} else if (star_t) {
			t = star_t;
			u = ++star_u;
		} else {
			return 0;
		}
	}
	while (*t == '{') {
		const char *close = strchr(t, '}');
		if (!close)
			return 0;
		t = close + 1;
	}
	return !*t;
}

/* the endpoint of site s whose answers url is (*is_search set), or NULL */
static const zc_endpoint *endpoint_of(const zc_site *s, const char *url, int *is_search)
{
	for (size_t i = 0; i < s->n_search; i++)
		if (template_match(s->search[i].url, url) || (s->search[i].next && template_match(s->search[i].next, url))) {
			*is_search = 1;
			return &s->search[i];
		}
	for (size_t i = 0; i < s->n_lists; i++)
		if (template_match(s->lists[i].url, url) || (s->lists[i].next && template_match(s->lists[i].next, url))) {
			*is_search = 0;
			return &s->lists[i];
		}
	return NULL;
}

/* a WARC-Date as the corpus writes times: YYYY-MM-DDThh:mm:ssZ (fractions of a second dropped) */
static void warc_time(const char *d, char *out, size_t n)
{
	if (strlen(d) >= 19 && d[4] == '-' && d[10] == 'T')
		snprintf(out, n, "%.19sZ", d);
	else
		snprintf(out, n, "%s", d);
}

/* a URI as WARC 1.0 writers may give it, in angle brackets */
static char *bare_uri(const char *u)
{
	size_t n = strlen(u);
	if (n >= 2 && u[0] == '<' && u[n - 1] == '>')
		return zc_strndup(u + 1, n - 2);
	return zc_strdup(u);
}

/* ---- batches ---- */

static int batch_txn(zc_txn *t, void *arg)
{
	importer *im = arg;
	int rc = ZC_OK;
	for (size_t i = 0; i < im->n_batch && rc == ZC_OK; i++) {
		pending_page *p = &im->batch[i];
		uint64_t id;
		int is_new = 0;
		rc = zc_article_store(t, p->url, p->page, p->has_fetch ? &p->fetch : NULL, &id, &is_new);
		if (rc == ZC_OK && p->site)
			rc = zc_tx_site_imported_put(t, p->site, im->when_run);
		zc_index_trim(im->idx);
	}
	return rc;
}

static int flush(importer *im)
{
	if (!im->n_batch || im->rc)
		return im->rc;
	int rc = zc_index_write(im->idx, batch_txn, im);
	for (size_t i = 0; i < im->n_batch; i++) {
		pending_page *p = &im->batch[i];
		free(p->url);
		free(p->site);
		zc_article_free(&p->page);
		zc_fetch_clear(&p->fetch);
	}
	im->n_batch = 0;
	if (rc != ZC_OK)
		im->rc = rc;
	return rc;
}

typedef struct old_ctx {
	const char *url;
	zc_fetch *fetch;
	int found;
} old_ctx;

static int old_txn(zc_txn *t, void *arg)
{
	old_ctx *o = arg;
	int rc = zc_tx_fetch_get(t, o->url, o->fetch);
	o->found = rc == ZC_OK;
	/* none, or a damaged record (check reports it): the capture is taken as new */
	return rc == ZC_ENOTFOUND || rc == ZC_EPARSE ? ZC_OK : rc;
}

/* the fetch state the batch holds for url (its last), or NULL */
static const zc_fetch *batch_fetch(const importer *im, const char *url)
{
	for (size_t i = im->n_batch; i-- > 0;)
		if (im->batch[i].has_fetch && !strcmp(im->batch[i].url, url))
			return &im->batch[i].fetch;
	return NULL;
}

/* the URL's fetch state into *out (zc_fetch_clear() it): the batch's, else the corpus's; 1, or
   0 when it has none (a failed read stops the import: im->rc) */
static int fetch_state(importer *im, const char *url, zc_fetch *out)
{
	const zc_fetch *f = batch_fetch(im, url);
	if (f) {
		zc_fetch_share(out, f);
		return 1;
	}
	old_ctx o = {url, out, 0};
	int rc = zc_index_read(im->idx, old_txn, &o);
	if (rc != ZC_OK && im->rc == ZC_OK)
		im->rc = rc;
	if (!o.found)
		zc_fetch_clear(out);
	return o.found;
}

/* a page and its fetch state (either may be NULL; the batch takes both, fetch holding its own
   strings) for the next transaction */
static int queue(importer *im, const char *url, const char *site, zc_article *page, zc_fetch *fetch)
{
	pending_page *p = &im->batch[im->n_batch++];
	p->url = zc_strdup(url);
	p->site = site ? zc_strdup(site) : NULL;
	p->page = page;
	p->has_fetch = fetch != NULL;
	if (fetch) {
		p->fetch = *fetch;
		zc_fetch_init(fetch, ZC_FETCH_DOCUMENT);
	} else {
		zc_fetch_init(&p->fetch, ZC_FETCH_DOCUMENT);
	}
	return im->n_batch == BATCH ? flush(im) : ZC_OK;
}

/* ---- one capture ---- */

/* a capture being taken: where it is, what it holds */
typedef struct capture_ctx {
	const char *url, *when;		/* the URL and when it was fetched */
	const zc_warc_place *at;	/* its record */
	const http_answer *a;
	const zc_site *s;		/* the seed site whose scope holds it */
	char host[256];
	char *ctype;			/* its Content-Type, or NULL */
	const char *bytes;		/* the body, decoded */
	size_t len;
	char digest[48];
} capture_ctx;

/* the site of the capture's URL, or NULL (counted) when it is no page of a selected site */
static const zc_site *capture_site(importer *im, capture_ctx *k)
{
	zc_warc_import_summary *sum = im->sum;
	int port;
	const char *why = NULL;
	const zc_site *s = NULL;
	if (zc_url_target(k->url, k->host, sizeof k->host, &port, &why) != ZC_OK || !(s = zc_seeds_scope(im->seeds, k->host)) ||
	    !zc_crawl_site_selected(im->o->only, s)) {
		sum->out_of_scope++;
		return NULL;
	}
	if (k->a->status == 412 || k->a->status == 521) {
		sum->challenged++;	/* what the challenge scripts answer with (crawl.c) */
		return NULL;
	}
	if (k->a->status < 200 || k->a->status >= 300) {
		sum->not_pages++;
		return NULL;
	}
	return s;
}

/* a search answer or a list page of endpoint ep: an answer, not a document */
static void take_answer(importer *im, const capture_ctx *k, const zc_endpoint *ep, int is_search)
{
	zc_links l;
	int prc = zc_answer_parse(ep, k->url, k->bytes, k->len, k->ctype, &l);
	zc_fetch f;
	zc_fetch_init(&f, ZC_FETCH_ANSWER);
	f.status = k->a->status;
	f.answer = is_search ? "search" : "list";
	f.links = prc == ZC_OK ? (long)l.n : 0;
	if (prc != ZC_OK)
		f.unparseable = "not an answer of its endpoint's format";
	f.digest = k->digest;
	f.fetched_at = k->when;
	f.warc = *k->at;
	zc_fetch_own(&f);
	if (prc == ZC_OK)
		zc_links_free(&l);
	im->sum->answers++;
	queue(im, k->url, NULL, NULL, &f);
}

/* one more document of the site in the files */
static void count_site(importer *im, const zc_site *s)
{
	json_object_set_new(im->sites, s->host, json_integer(json_integer_value(json_object_get(im->sites, s->host)) + 1));
}

/* whether the corpus already holds this capture or a later one (then counted, and the site's
   import mark queued for one it holds as it is) */
static int taken_before(importer *im, const capture_ctx *k, const zc_fetch *old)
{
	if (!strcmp(old->digest, k->digest) && !*old->unparseable) {
		im->sum->unchanged++;	/* imported or crawled before, as it is */
		count_site(im, k->s);
		if (!batch_fetch(im, k->url))
			queue(im, k->url, k->s->host, NULL, NULL);	/* the site's import mark */
		return 1;
	}
	if (*old->fetched_at && strcmp(old->fetched_at, k->when) > 0) {
		im->sum->older++;	/* the corpus holds a later capture */
		return 1;
	}
	return 0;
}

/* an article's answer: taken as a crawl takes one (zc_article_take), unless the corpus holds it
   or a later capture */
static void take_article(importer *im, const capture_ctx *k)
{
	zc_warc_import_summary *sum = im->sum;
	zc_fetch old;
	int has_old = fetch_state(im, k->url, &old);
	if (has_old && taken_before(im, k, &old)) {
		zc_fetch_clear(&old);
		return;
	}
	char *etag = http_header(k->a, "ETag"), *lm = http_header(k->a, "Last-Modified");
	zc_capture cap = {.url = k->url, .ctype = k->ctype, .body = k->bytes, .len = k->len, .status = k->a->status,
			  .digest = k->digest, .when = k->when, .etag = etag, .last_modified = lm, .tries = 1, .warc = *k->at};
	zc_article *page = NULL;
	zc_fetch fetch;
	const char *why = NULL;
	int arc = zc_article_take(im->article, im->arg, k->s, k->host, &cap, has_old ? &old : NULL, &page, &fetch, &why);
	if (arc == ZC_ECHALLENGE) {
		sum->challenged++;
	} else if (arc != ZC_OK) {
		sum->unparseable++;
		if (!sum->unparseable_url[0])
			snprintf(sum->unparseable_url, sizeof sum->unparseable_url, "%s: %s", k->url, why);
		queue(im, k->url, NULL, NULL, &fetch);
	} else {
		if (!page)
			sum->unchanged++;
		else if (has_old && *old.digest)
			sum->changed++;
		else
			sum->added++;
		count_site(im, k->s);
		queue(im, k->url, k->s->host, page, &fetch);
		page = NULL;
	}
	zc_article_free(&page);
	zc_fetch_clear(&fetch);
	zc_fetch_clear(&old);
	free(etag);
	free(lm);
}

/* an answer of url (the record at place at, fetched at when): what the corpus makes of it */
static void capture(importer *im, const char *url, const char *when, const http_answer *a, const zc_warc_place *at)
{
	capture_ctx k = {.url = url, .when = when, .at = at, .a = a};
	if (!(k.s = capture_site(im, &k)))
		return;
	k.ctype = http_header(a, "Content-Type");
	zc_buf body;
	zc_buf_init(&body, ZC_WARC_MAX_BLOCK);
	const char *why = NULL;
	if (decode_body(a, &body, &why) != ZC_OK) {
		im->sum->not_pages++;
		if (im->o->verbose)
			say(im, "%s: %s; skipped", url, why ? why : "a body too large");
		goto out;
	}
	k.bytes = body.data ? body.data : "";
	k.len = body.len;
	zc_warc_digest(k.bytes, k.len, k.digest);
	int is_search = 0;
	const zc_endpoint *ep = endpoint_of(k.s, url, &is_search);
	if (ep)
		take_answer(im, &k, ep, is_search);
	else if (k.ctype && !strcasestr(k.ctype, "html") && !strcasestr(k.ctype, "text/") && !strcasestr(k.ctype, "xml"))
		im->sum->not_pages++;	/* images, scripts, style sheets, attachments of a browser's capture */
	else
		take_article(im, &k);
out:
	zc_buf_free(&body);
	free(k.ctype);
}

/* a revisit record, kept for resolve_revisits() */
static void keep_revisit(importer *im, const zc_warc_record *r, const char *url, const char *when, const char *id)
{
	if (im->n_revisits == im->cap_revisits) {
		im->cap_revisits = im->cap_revisits ? 2 * im->cap_revisits : 64;
		im->revisits = zc_realloc(im->revisits, im->cap_revisits * sizeof *im->revisits);
	}
	im->revisits[im->n_revisits++] = (revisit_rec){
		zc_strdup(url), zc_strdup(when), zc_strdup(id), im->file_no, r->at,
		zc_strdup(zc_jstr(r->headers, "WARC-Refers-To")), zc_strdup(zc_jstr(r->headers, "WARC-Refers-To-Target-URI")),
		zc_strdup(zc_jstr(r->headers, "WARC-Refers-To-Date")), zc_strdup(zc_jstr(r->headers, "WARC-Payload-Digest"))};
}

static void revisits_free(importer *im)
{
	for (size_t i = 0; i < im->n_revisits; i++) {
		revisit_rec *v = &im->revisits[i];
		free(v->url);
		free(v->when);
		free(v->id);
		free(v->refers_to);
		free(v->refers_uri);
		free(v->refers_date);
		free(v->digest);
	}
	free(im->revisits);
	free(im->found);
}

static int is_http_response(json_t *h)
{
	const char *ct = zc_jstr(h, "Content-Type");
	return strcasestr(ct, "application/http") && !strcasestr(ct, "msgtype=request");
}

static int on_record(const zc_warc_record *r, void *arg)
{
	importer *im = arg;
	zc_warc_import_summary *sum = im->sum;
	sum->records++;
	if (sum->records % 256 == 0)
		zc_progress_show(im->o->prog, "import: %ld records, %ld documents added, %ld changed", sum->records, sum->added,
				 sum->changed);
	const char *type = zc_jstr(r->headers, "WARC-Type");
	int revisit = !strcmp(type, "revisit");
	if ((strcmp(type, "response") && !revisit) || !is_http_response(r->headers))
		return im->rc;
	char *url = bare_uri(zc_jstr(r->headers, "WARC-Target-URI"));
	char when[40];
	warc_time(zc_jstr(r->headers, "WARC-Date"), when, sizeof when);
	const char *id = zc_jstr(r->headers, "WARC-Record-ID");
	if (revisit) {
		keep_revisit(im, r, url, when, id);
		sum->revisits++;
		free(url);
		return im->rc;
	}
	sum->responses++;
	if (!r->block) {
		sum->not_pages++;	/* larger than any page */
		free(url);
		return im->rc;
	}
	http_answer a;
	if (http_parse(r->block, r->len, &a) != ZC_OK) {
		sum->not_pages++;
		free(url);
		return im->rc;
	}
	zc_warc_place at = {im->path, r->at.offset, r->at.skip, id, ""};
	capture(im, url, when, &a, &at);
	free(url);
	return im->rc;
}

/* the keys a revisit may refer to a response by: its record id, its URI and date, its payload
   digest, its URI alone (the latest response of the URL); k[i] NULL where the record has none */
static void response_keys(const char *id, const char *uri, const char *date, const char *digest, char *k[4])
{
	k[0] = *id ? zc_asprintf("id %s", id) : NULL;
	k[1] = *uri && *date ? zc_asprintf("uri %s %s", uri, date) : NULL;
	k[2] = *digest ? zc_asprintf("digest %s", digest) : NULL;
	k[3] = *uri ? zc_asprintf("url %s", uri) : NULL;
}

/* the second walk, made only when revisits were met: the places of the responses they want */
static int on_response_key(const zc_warc_record *r, void *arg)
{
	importer *im = arg;
	http_answer a;
	if (strcmp(zc_jstr(r->headers, "WARC-Type"), "response") || !is_http_response(r->headers) || !r->block ||
	    http_parse(r->block, r->len, &a) != ZC_OK || a.status < 200 || a.status >= 300)
		return 0;
	char *url = bare_uri(zc_jstr(r->headers, "WARC-Target-URI")), date[40], *k[4];
	warc_time(zc_jstr(r->headers, "WARC-Date"), date, sizeof date);
	response_keys(zc_jstr(r->headers, "WARC-Record-ID"), url, date, zc_jstr(r->headers, "WARC-Payload-Digest"), k);
	int wanted = 0;
	for (int i = 0; i < 4; i++)
		wanted |= k[i] && json_object_get(im->originals, k[i]);
	if (wanted) {
		if (im->n_found == im->cap_found) {
			im->cap_found = im->cap_found ? 2 * im->cap_found : 64;
			im->found = zc_realloc(im->found, im->cap_found * sizeof *im->found);
		}
		im->found[im->n_found++] = (original){im->file_no, r->at};
	}
	for (int i = 0; i < 4; i++) {
		if (k[i] && json_object_get(im->originals, k[i]))
			json_object_set_new(im->originals, k[i], json_integer((json_int_t)im->n_found));
		free(k[i]);
	}
	free(url);
	return 0;
}

/* a revisit's original record, read again: its answer handed to capture() under the revisit */
typedef struct revisit_ctx {
	importer *im;
	const revisit_rec *v;
	const char *path;	/* the revisit's file */
} revisit_ctx;

static int on_original(const zc_warc_record *r, void *arg)
{
	revisit_ctx *c = arg;
	http_answer a;
	if (!r->block || http_parse(r->block, r->len, &a) != ZC_OK) {
		c->im->sum->unresolved++;
		return 0;
	}
	zc_warc_place at = {c->path, c->v->at.offset, c->v->at.skip, c->v->id, zc_jstr(r->headers, "WARC-Record-ID")};
	capture(c->im, c->v->url, c->v->when, &a, &at);
	return 0;
}

/* the keys of the response a revisit refers to, as response_keys() gives them */
static void revisit_keys(const revisit_rec *v, char *k[4])
{
	char rdate[40];
	warc_time(v->refers_date, rdate, sizeof rdate);
	char *refers_uri = bare_uri(v->refers_uri);
	response_keys(v->refers_to, refers_uri, rdate, v->digest, k);
	free(refers_uri);
	free(k[3]);
	k[3] = zc_asprintf("url %s", v->url);
}

/* Revisits are resolved once every file is read (an original may come after its revisit): the
   keys they refer by are gathered, and a second walk of the files finds those responses' places
   (memory holds the revisits and their keys, never a key of every record). */
static void resolve_revisits(importer *im, const char *const *paths)
{
	if (!im->n_revisits)
		return;
	for (size_t i = 0; i < im->n_revisits; i++) {
		char *k[4];
		revisit_keys(&im->revisits[i], k);
		for (int j = 0; j < 4; j++) {
			if (k[j])
				json_object_set_new(im->originals, k[j], json_integer(0));
			free(k[j]);
		}
	}
	for (size_t f = 0; f < im->o->n_files; f++) {
		im->file_no = f;
		char *err = NULL;
		zc_warc_scan(paths[f], NULL, 0, on_response_key, im, &err);	/* its faults were said */
		free(err);
	}
	for (size_t i = 0; i < im->n_revisits && !im->rc; i++) {
		const revisit_rec *v = &im->revisits[i];
		char *k[4];
		revisit_keys(v, k);
		const original *orig = NULL;
		for (int j = 0; j < 4; j++) {
			json_int_t o = k[j] ? json_integer_value(json_object_get(im->originals, k[j])) : 0;
			if (!orig && o > 0)
				orig = &im->found[o - 1];
			free(k[j]);
		}
		if (!orig) {
			/* a revisit of a page the corpus holds: nothing new */
			zc_fetch old;
			int known = fetch_state(im, v->url, &old) && *old.digest && !*old.unparseable;
			zc_fetch_clear(&old);
			if (known) {
				im->sum->unchanged++;
				continue;
			}
			im->sum->unresolved++;
			if (im->o->verbose)
				say(im, "%s: a revisit (%s) whose original record is in none of the files; skipped", v->url, v->id);
			continue;
		}
		revisit_ctx c = {im, v, paths[v->file_no]};
		char *err = NULL;
		if (zc_warc_scan(paths[orig->file_no], &orig->at, 1, on_original, &c, &err) != ZC_OK)
			im->sum->unresolved++;
		free(err);
	}
}

int zc_warc_import_run(zc_index *idx, const zc_seeds *seeds, const zc_warc_import_opts *o, zc_article_fn article, void *arg,
		  zc_warc_import_summary *sum)
{
	memset(sum, 0, sizeof *sum);
	importer im = {.idx = idx, .seeds = seeds, .o = o, .article = article, .arg = arg, .sum = sum};
	im.originals = json_object();
	im.sites = json_object();
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(im.when_run, sizeof im.when_run, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char **paths = zc_calloc(o->n_files + 1, sizeof *paths);
	int failed = 0;
	for (size_t i = 0; i < o->n_files && !im.rc; i++) {
		char *abs = realpath(o->files[i], NULL);
		paths[i] = abs ? abs : zc_strdup(o->files[i]);
		im.path = paths[i];
		im.file_no = i;
		char *err = NULL;
		int rc = zc_warc_scan(paths[i], NULL, 0, on_record, &im, &err);
		if (rc == ZC_ECUT) {
			/* the file ends in part of a record (its writer at work, or killed): its whole
			   records are taken, and the file is not a failure */
			say(&im, "%s; imported up to there", err ? err : zc_strerror(rc));
		} else if (rc != ZC_OK && rc != im.rc) {
			/* the records before the fault are taken; the file is named with what was wrong */
			say(&im, "%s", err ? err : zc_strerror(rc));
			failed++;
		}
		free(err);
		flush(&im);
	}
	if (!im.rc)
		resolve_revisits(&im, (const char *const *)paths);
	flush(&im);
	zc_progress_end(o->prog);
	sum->sites = json_object_size(im.sites);
	sum->files_failed = failed;
	for (size_t i = 0; i < o->n_files; i++)
		free(paths[i]);
	free(paths);
	json_decref(im.originals);
	revisits_free(&im);
	json_decref(im.sites);
	return im.rc;
}
