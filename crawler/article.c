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
		    const zc_fetch *old, json_t **page, zc_fetch *fetch, const char **why)
{
	*page = NULL;
	*why = NULL;
	zc_fetch_init(fetch, ZC_FETCH_DOCUMENT);
	json_t *pg = NULL;
	int arc = article(arg, s, cap->url, cap->ctype, cap->body ? cap->body : "", cap->len, &pg);
	if (arc == ZC_ECHALLENGE) {
		json_decref(pg);
		return ZC_ECHALLENGE;
	}
	fetch->status = cap->status;
	fetch->fetched_at = cap->when;
	fetch->tries = cap->tries;
	if (arc != ZC_OK || !pg) {
		/* no document in it (empty, not HTML, no title and no text): recorded as such in the
		   fetch state, never stored as a document; a page stored before stays as it was, and
		   no validator is kept, so the next crawl fetches it whole again */
		*why = arc == ZC_EPARSE || arc == ZC_OK ? "no document in it (empty, not HTML, or no title and no text)"
							: zc_strerror(arc);
		json_decref(pg);
		fetch->kind = ZC_FETCH_UNPARSEABLE;
		fetch->unparseable = *why;
		zc_fetch_own(fetch);
		return ZC_EPARSE;
	}
	int same = old && !strcmp(old->digest, cap->digest);
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
	fetch->etag = cap->etag ? cap->etag : "";
	fetch->last_modified = cap->last_modified ? cap->last_modified : "";
	fetch->digest = cap->digest;
	zc_fetch_own(fetch);
	return ZC_OK;
}

int zc_article_store(zc_txn *t, const char *url, json_t *page, const zc_fetch *fetch, uint64_t *id, int *is_new)
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
