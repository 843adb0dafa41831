/* transfer.c - transfers: a request made a libcurl handle (conditional GET, cookies, TLS), its callbacks, and freed. */
#include "crawl_internal.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>


/* what fits of p into b: a head is archived as far as its 64 KB go */
static void add_what_fits(zc_buf *b, const char *p, size_t n)
{
	size_t room = b->max - b->len;
	if (zc_buf_add(b, p, n < room ? n : room) != ZC_OK)
		zc_buf_reset(b);	/* not reached: what is added fits */
}

static size_t on_body(char *ptr, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	if (zc_buf_add(&x->body, ptr, size * n) != ZC_OK) {
		x->overflow = 1;
		return 0;
	}
	return size * n;
}

static size_t on_header(char *ptr, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	/* a new status line (1xx, then the final answer) starts the head again */
	if (size * n >= 5 && !strncmp(ptr, "HTTP/", 5))
		zc_buf_reset(&x->head);
	add_what_fits(&x->head, ptr, size * n);
	return size * n;
}

static int on_debug(CURL *e, curl_infotype type, char *data, size_t size, void *ud)
{
	(void)e;
	xfer *x = ud;
	if (x->c->trace && type == CURLINFO_TEXT) {
		int n = (int)size;
		while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
			n--;
		cr_note(x->c, "* %.*s", n, data);
	}
	if (type == CURLINFO_HEADER_OUT) {
		zc_buf_reset(&x->reqhead);
		add_what_fits(&x->reqhead, data, size);
	}
	return 0;
}

typedef struct fetch_read {
	const char *url;
	zc_fetch *out;
	int found;
} fetch_read;

static int fetch_txn(zc_txn *t, void *arg)
{
	fetch_read *g = arg;
	g->found = zc_tx_fetch_get(t, g->url, g->out) == ZC_OK;	/* else none yet, or unreadable: fetched as new */
	return ZC_OK;
}

/* the fetch state of url into *out (zc_fetch_clear() it): 1, or 0 when it has none */
int cr_fetch_state(crawl *c, const char *url, zc_fetch *out)
{
	fetch_read g = {url, out, 0};
	zc_fetch_init(out, ZC_FETCH_DOCUMENT);
	if (zc_index_read(c->idx, fetch_txn, &g) != ZC_OK || !g.found) {
		zc_fetch_clear(out);
		return 0;
	}
	return 1;
}

/* One jar for the whole run, filled from the file once by libcurl's own reader: a transfer
   given the file itself reads it again at every request.  Cookies the sites set are kept in it
   for the run, as a browser keeps them.  NULL when libcurl cannot share cookies. */
CURLSH *cr_cookie_jar(const char *file)
{
	CURLSH *sh = curl_share_init();
	CURL *e = curl_easy_init();
	if (!sh || !e || curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE) != CURLSHE_OK ||
	    curl_easy_setopt(e, CURLOPT_SHARE, sh) != CURLE_OK) {
		curl_share_cleanup(sh);
		sh = NULL;
	} else {
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, file);
		curl_easy_setopt(e, CURLOPT_COOKIELIST, "RELOAD");
	}
	curl_easy_cleanup(e);	/* the jar stays with the share */
	return sh;
}

/* libcurl's receive buffer for each transfer (see start) */
#define RECV_BUFFER 4096L

/* A kept connection waits between its host's requests with OpenSSL's record buffers (17 KB
   each way) allocated, 64 hosts at a time; this mode gives them back while it waits.  Only for
   a libcurl whose TLS is OpenSSL's: the context handed over is of its TLS library's type. */
int cr_tls_is_openssl(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	return v->ssl_version && !strncmp(v->ssl_version, "OpenSSL/", 8);
}

/* libcurl (7.87 and later) builds the certificate store of the trusted CAs once a run and
   keeps it in the multi handle, but only when the CAs come from a file alone; with a CA
   directory too (Debian's libcurl has /etc/ssl/certs as its default) it reads and decodes the
   whole file again at every new connection: more CPU than the rest of the TLS handshake.  The
   directory holds the same certificates as Debian's bundle, so with a bundle to read (--cacert
   or libcurl's default) the directory is left out. */
int cr_ca_file_only(const char *cacert)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	const char *file = cacert ? cacert : v->cainfo;
	return file && access(file, R_OK) == 0;
}

static CURLcode on_ssl_ctx(CURL *e, void *ctx, void *arg)
{
	(void)e;
	(void)arg;
	SSL_CTX_set_mode((SSL_CTX *)ctx, SSL_MODE_RELEASE_BUFFERS);
	return CURLE_OK;
}

/* the handle's options: callbacks, limits, TLS, cookies, the mirror's connect-to */
static void easy_options(crawl *c, xfer *x)
{
	const zc_crawl_opts *o = c->o;
	CURL *e = x->easy;
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, x);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->timeout < 15 ? o->timeout : 15L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	/* each transfer in flight (one a host, 64 at a time) holds a receive buffer, 16 KB unless
	   told; the body is copied out of it anyway (on_body), so a smaller one only means a few
	   more calls per page */
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, RECV_BUFFER);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	if (o->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert);
	if (c->ca_file_only)
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	if (c->openssl)
		curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	if (c->cookies) {
		curl_easy_setopt(e, CURLOPT_SHARE, c->cookies);
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");	/* the engine on, no file to read */
	} else if (o->cookies)
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, o->cookies);	/* no jar: the file at every request */
	if (c->connect_to)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, c->connect_to);
}

/* what a request sends besides its URL: the endpoint's Referer, a POST's body, an article's
   conditional GET from its fetch state (kept for the answer too) */
static void request_headers(crawl *c, xfer *x, host_state *h, const zc_request *req)
{
	CURL *e = x->easy;
	const zc_site *s = h->site;
	const char *kind = req->kind;
	long ep = req->ep;
	const zc_endpoint *endp = NULL;
	if (!strcmp(kind, "search") && ep >= 0 && ep < (long)s->n_search)
		endp = &s->search[ep];
	else if (!strcmp(kind, "list") && ep >= 0 && ep < (long)s->n_lists)
		endp = &s->lists[ep];
	if (endp && endp->referer) {
		char *r = zc_asprintf("Referer: %s", endp->referer);
		x->hdrs = curl_slist_append(x->hdrs, r);
		free(r);
	}
	if (!strcmp(req->method, "POST")) {
		x->post = zc_strdup(req->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->post);
		x->hdrs = curl_slist_append(x->hdrs, "X-Requested-With: XMLHttpRequest");
	}
	if (!strcmp(kind, "article")) {
		/* kept for the answer too (done): one request per host at a time, so nothing
		   else changes it in between */
		x->has_fetch = cr_fetch_state(c, x->url, &x->fetch);
		if (x->has_fetch) {
			const zc_fetch *fs = &x->fetch;
			char *hdr;
			if (*fs->etag) {
				hdr = zc_asprintf("If-None-Match: %s", fs->etag);
				x->hdrs = curl_slist_append(x->hdrs, hdr);
				free(hdr);
			}
			if (*fs->last_modified) {
				hdr = zc_asprintf("If-Modified-Since: %s", fs->last_modified);
				x->hdrs = curl_slist_append(x->hdrs, hdr);
				free(hdr);
			}
		}
	}
	if (x->hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
}

/* a transfer of req (which it takes), or of robots_url when req is NULL */
int cr_start(crawl *c, host_state *h, uint64_t seq, zc_request *req, const char *robots_url)
{
	xfer *x = zc_calloc(1, sizeof *x);
	zc_fetch_init(&x->fetch, ZC_FETCH_DOCUMENT);
	zc_request_init(&x->req);
	const zc_crawl_opts *o = c->o;
	x->h = h;
	x->c = c;
	x->seq = seq;
	if (req) {
		x->req = *req;
		x->has_req = 1;
		zc_request_init(req);
	}
	x->url = zc_strdup(robots_url ? robots_url : x->req.url);
	zc_buf_init(&x->body, o->max_body);
	zc_buf_init(&x->head, 65536);
	zc_buf_init(&x->reqhead, 65536);
	x->easy = curl_easy_init();
	CURL *e = x->easy;
	target tg;
	if (cr_url_target(x->url, &tg, &x->cu))
		curl_easy_setopt(e, CURLOPT_CURLU, x->cu);
	else
		curl_easy_setopt(e, CURLOPT_URL, x->url);	/* the loop checked it: libcurl names the error */
	easy_options(c, x);
	if (x->has_req)
		request_headers(c, x, h, &x->req);
	x->started = cr_now();
	h->busy = 1;
	h->cur = x;
	h->rep->requests++;
	c->sum->requests++;
	c->inflight++;
	curl_multi_add_handle(c->multi, e);
	return ZC_OK;
}

void cr_xfer_free(crawl *c, xfer *x)
{
	c->inflight--;
	if (x->h->cur == x)
		x->h->cur = NULL;
	curl_multi_remove_handle(c->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_url_cleanup(x->cu);
	curl_slist_free_all(x->hdrs);
	zc_buf_free(&x->body);
	zc_buf_free(&x->head);
	zc_buf_free(&x->reqhead);
	zc_request_clear(&x->req);
	zc_fetch_clear(&x->fetch);
	free(x->post);
	free(x->url);
	free(x);
}

/* a response head for the archive: headers that no longer describe the decoded, de-chunked
   body are renamed, as WARC writers do */
char *cr_archive_head(const char *head, size_t len, size_t *outlen)
{
	zc_buf b;
	zc_buf_init(&b, ZC_BUF_UNLIMITED);
	const char *p = head, *end = head + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
		if (!strncasecmp(p, "Content-Encoding:", 17) || !strncasecmp(p, "Transfer-Encoding:", 18) ||
		    !strncasecmp(p, "Content-Length:", 15))
			zc_buf_cats(&b, "X-Crawler-");
		zc_buf_cat(&b, p, n);
		p += n;
	}
	*outlen = b.len;
	return zc_buf_take(&b);
}

char *cr_header_value(const char *head, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = head; p && *p;) {
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			const char *e = v;
			while (*e && *e != '\r' && *e != '\n')
				e++;
			return zc_strndup(v, (size_t)(e - v));
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}
