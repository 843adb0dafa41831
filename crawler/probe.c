/*
 * probe.c - one request to an endpoint's first page, for `zhengce seeds check --fetch`: does a
 * seed still find articles on its site (or on the mirror)?  The crawl's manners hold: robots.txt
 * of the host first, the crawl's user agent, cookies, CA and --connect-to.
 */
#include "crawler.h"
#include "../common/zc.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
	return zc_buf_add(ud, p, size * n) == ZC_OK ? size * n : 0;
}

/* GET (or POST body) url into *out; the status, or 0 with *why set when no answer came */
static long fetch(const char *url, const char *body, const char *referer, const zc_crawl_opts *o, zc_buf *out,
		  char **ctype, char **why)
{
	CURL *e = curl_easy_init();
	struct curl_slist *hdrs = NULL, *ct = NULL;
	long status = 0;
	char errbuf[CURL_ERROR_SIZE] = "";
	if (!e) {
		*why = zc_strdup("libcurl cannot start a transfer");
		return 0;
	}
	for (size_t i = 0; i < o->n_connect_to; i++)
		ct = curl_slist_append(ct, o->connect_to[i]);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	if (o->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert);
	if (o->cookies)
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, o->cookies);
	if (ct)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, ct);
	if (referer) {
		char *r = zc_asprintf("Referer: %s", referer);
		hdrs = curl_slist_append(hdrs, r);
		free(r);
	}
	if (body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		hdrs = curl_slist_append(hdrs, "X-Requested-With: XMLHttpRequest");
	}
	if (hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	CURLcode cc = curl_easy_perform(e);
	if (cc != CURLE_OK) {
		*why = zc_asprintf("%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(cc));
	} else {
		char *t = NULL;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &t);
		*ctype = t ? zc_strdup(t) : NULL;
	}
	curl_slist_free_all(hdrs);
	curl_slist_free_all(ct);
	curl_easy_cleanup(e);
	return status;
}

/* robots.txt of the URL's host allows its path; *why when it does not or cannot be read */
static int robots_allow(const char *url, const zc_crawl_opts *o, char **why)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL, *ctype = NULL;
	int ok = 0;
	zc_buf b;
	zc_buf_init(&b, o->max_body);
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		*why = zc_asprintf("%s: not a URL libcurl can read", url);
		goto out;
	}
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	char *ru = zc_asprintf("%s://%s:%s/robots.txt", scheme, host, port);
	long st = fetch(ru, NULL, NULL, o, &b, &ctype, why);
	free(ru);
	if (st == 0 || st >= 500) {
		if (!*why)
			*why = zc_asprintf("robots.txt of %s answered %ld: nothing is fetched from it", host, st);
		goto out;
	}
	zc_robots *r = st < 300 ? zc_robots_parse(b.data ? b.data : "", b.len, "zhengce") : zc_robots_all(1);
	char *pq = zc_asprintf("%s%s%s", path ? path : "/", query ? "?" : "", query ? query : "");
	ok = zc_robots_allowed(r, pq);
	if (!ok)
		*why = zc_asprintf("robots.txt of %s disallows %s", host, pq);
	free(pq);
	zc_robots_free(&r);
out:
	zc_buf_free(&b);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	free(ctype);
	curl_url_cleanup(u);
	return ok;
}

int zc_seeds_probe(const zc_endpoint *ep, const char *kw, const zc_crawl_opts *o, zc_links *out, char **why)
{
	char *url = zc_template_expand(ep->url, kw, 1, 1, ep->page_size);
	char *body = ep->body ? zc_template_expand(ep->body, kw, 1, 1, ep->page_size) : NULL;
	char *ctype = NULL;
	int rc = ZC_EIO;
	zc_buf b;
	zc_buf_init(&b, o->max_body);
	memset(out, 0, sizeof *out);
	*why = NULL;
	if (!robots_allow(url, o, why))
		goto out;
	long st = fetch(url, !strcmp(ep->method, "POST") ? (body ? body : "") : NULL, ep->referer, o, &b, &ctype, why);
	if (st == 0)
		goto out;
	if (st == 412 || st == 521) {
		*why = zc_asprintf("%s: %ld JavaScript challenge, pass --cookies FILE", url, st);
		goto out;
	}
	if (st < 200 || st >= 300) {
		*why = zc_asprintf("%s answered %ld: the site may have been redesigned", url, st);
		goto out;
	}
	if (zc_answer_parse(ep, url, b.data ? b.data : "", b.len, ctype, out) != ZC_OK) {
		*why = zc_asprintf("%s answered something that is not a %s answer: the site may have been redesigned", url, ep->answer);
		goto out;
	}
	rc = ZC_OK;
out:
	zc_buf_free(&b);
	free(ctype);
	free(url);
	free(body);
	return rc;
}
