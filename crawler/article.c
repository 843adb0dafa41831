/*
 * article.c - what an article's answer becomes in the corpus, the one way for a crawl's fetches
 * and an import's WARC records: the parser reads it (through the caller's article function),
 * and the page record and the URL's fetch state are made as docs/SCHEMA.md gives them.
 */
#include "crawler.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

int zc_article_take(zc_article_fn article, void *arg, const zc_site *s, const char *host, const zc_capture *cap,
		    json_t *old, json_t **page, json_t **fetch, const char **why)
{
	*page = *fetch = NULL;
	*why = NULL;
	json_t *pg = NULL;
	int arc = article(arg, s, cap->url, cap->ctype, cap->body ? cap->body : "", cap->len, &pg);
	if (arc == ZC_ECHALLENGE) {
		json_decref(pg);
		return ZC_ECHALLENGE;
	}
	json_t *f = json_object();
	json_object_set_new(f, "status", json_integer(cap->status));
	if (arc != ZC_OK || !pg) {
		/* no document in it (empty, not HTML, no title and no text): recorded as such in the
		   fetch state, never stored as a document; a page stored before stays as it was, and
		   no validator is kept, so the next crawl fetches it whole again */
		*why = arc == ZC_EPARSE || arc == ZC_OK ? "no document in it (empty, not HTML, or no title and no text)"
							: zc_strerror(arc);
		json_decref(pg);
		json_object_set_new(f, "unparseable", json_string(*why));
		json_object_set_new(f, "fetched_at", json_string(cap->when));
		json_object_set_new(f, "tries", json_integer(cap->tries));
		*fetch = f;
		return ZC_EPARSE;
	}
	int same = old && !strcmp(zc_jstr(old, "digest"), cap->digest);
	if (same) {
		json_decref(pg);
	} else {
		json_object_set_new(pg, "url", json_string(cap->url));
		json_object_set_new(pg, "site", json_string(s ? s->host : host));
		json_object_set_new(pg, "site_kind", json_string(s ? s->kind : ""));
		json_object_set_new(pg, "jurisdiction", json_string(s ? s->jurisdiction : ""));
		json_object_set_new(pg, "fetched_at", json_string(cap->when));
		json_object_set_new(pg, "digest", json_string(cap->digest));
		json_object_set(pg, "warc", cap->warc);
		*page = pg;
	}
	json_object_set_new(f, "etag", json_string(cap->etag ? cap->etag : ""));
	json_object_set_new(f, "last_modified", json_string(cap->last_modified ? cap->last_modified : ""));
	json_object_set_new(f, "digest", json_string(cap->digest));
	json_object_set_new(f, "fetched_at", json_string(cap->when));
	json_object_set_new(f, "tries", json_integer(cap->tries));
	*fetch = f;
	return ZC_OK;
}

int zc_article_store(zc_txn *t, const char *url, json_t *page, json_t *fetch, uint64_t *id, int *is_new)
{
	int rc = ZC_OK;
	if (page) {
		zc_page p;
		zc_page_from_json(page, &p);
		rc = zc_tx_page_store(t, url, &p, id, is_new);
		zc_page_clear(&p);
	}
	if (rc == ZC_OK && fetch)
		rc = zc_tx_fetch_put(t, url, fetch);
	return rc;
}
