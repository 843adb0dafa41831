/*
 * article.c - what an article's answer becomes in the corpus, the one way for a crawl's fetches
 * and an import's WARC records: the parser reads it (through the caller's article function),
 * and the page record and the URL's fetch state are made as docs/SCHEMA.md gives them.
 */
#include "crawler.h"
#include "parser.h"
#include "../common/zc.h"

#include <stdlib.h>
#include <string.h>

enum { KEPT = 9 };	/* the capture's strings a page keeps (url, site... the WARC place's) */

/* A new page: the record, whose strings point into the parser's document and the copies. */
struct zc_article {
	zc_page page;
	zc_doc *doc;
	const char **issuers;
	zc_page_attachment *attachments;
	char *kept[KEPT];
	size_t n_kept;
};

void zc_article_free(zc_article **ap)
{
	zc_article *a = *ap;
	if (!a)
		return;
	zc_doc_free(&a->doc);
	free(a->issuers);
	free(a->attachments);
	for (size_t i = 0; i < a->n_kept; i++)
		free(a->kept[i]);
	free(a);
	*ap = NULL;
}

/* s, held by the page past the capture that lent it ("" for NULL) */
static const char *keep(zc_article *a, const char *s)
{
	char *c = zc_strdup(s ? s : "");
	a->kept[a->n_kept++] = c;
	return c;
}

static int text(const char *s)
{
	return s && zc_utf8_valid(s, strlen(s));
}

/* The parser's document as the page record's (zc_page_doc), pointing into it.  What the record
   can hold: the parser's strings are UTF-8 and never NULL (parser.h; a string that is not
   UTF-8 would be left out by the record's codec and read as ""), but an issuer that is NULL,
   an attachment whose name or URL is NULL or not UTF-8, and a body that is not UTF-8 are left
   out here, as the parser's JSON (zc_doc_json) leaves them out (the body is stored as it is). */
static void page_doc(zc_article *a, const zc_doc *d)
{
	zc_page_doc *p = &a->page.doc;
	p->url = d->url;
	p->title = d->title;
	p->docno = d->docno;
	a->issuers = d->n_issuers ? zc_calloc(d->n_issuers, sizeof *a->issuers) : NULL;
	for (size_t i = 0; i < d->n_issuers; i++)
		if (d->issuers[i])
			a->issuers[p->n_issuers++] = d->issuers[i];
	p->issuers = a->issuers;
	p->written_date = d->written_date;
	p->published_date = d->published_date;
	p->type = d->type;
	p->validity = d->validity;
	p->column = d->column;
	p->charset = d->charset ? d->charset : "";
	p->bad_bytes = d->bad_bytes;
	p->challenge = d->challenge;
	a->attachments = d->n_attachments ? zc_calloc(d->n_attachments, sizeof *a->attachments) : NULL;
	for (size_t i = 0; i < d->n_attachments; i++)
		if (text(d->attachments[i].name) && text(d->attachments[i].url))
			a->attachments[p->n_attachments++] = (zc_page_attachment){d->attachments[i].name, d->attachments[i].url};
	p->attachments = a->attachments;
	p->body = text(d->body) ? d->body : "";
	p->body_len = strlen(p->body);
}

/* the page record of a capture of site s (host when s is NULL) that the parser read as d,
   which it takes */
static zc_article *article_page(const zc_site *s, const char *host, const zc_capture *cap, zc_doc *d)
{
	zc_article *a = zc_calloc(1, sizeof *a);
	zc_page *p = &a->page;
	zc_page_init(p);
	a->doc = d;
	page_doc(a, d);
	p->url = keep(a, cap->url);
	p->site = keep(a, s ? s->host : host);
	p->site_kind = keep(a, s ? s->kind : "");
	p->jurisdiction = keep(a, s ? s->jurisdiction : "");
	p->fetched_at = keep(a, cap->when);
	p->digest = keep(a, cap->digest);
	p->warc = cap->warc;
	p->warc.file = keep(a, cap->warc.file);
	p->warc.record_id = keep(a, cap->warc.record_id);
	p->warc.payload_record_id = keep(a, cap->warc.payload_record_id);
	return a;
}

int zc_article_take(zc_article_fn article, void *arg, const zc_site *s, const char *host, const zc_capture *cap,
		    const zc_fetch *old, zc_article **page, zc_fetch *fetch, const char **why)
{
	*page = NULL;
	*why = NULL;
	zc_fetch_init(fetch, ZC_FETCH_DOCUMENT);
	zc_doc *d = NULL;
	int arc = article(arg, s, cap->url, cap->ctype, cap->body ? cap->body : "", cap->len, &d);
	if (arc == ZC_ECHALLENGE) {
		zc_doc_free(&d);
		return ZC_ECHALLENGE;
	}
	fetch->status = cap->status;
	fetch->fetched_at = cap->when;
	fetch->tries = cap->tries;
	if (arc != ZC_OK || !d) {
		/* no document in it (empty, not HTML, no title and no text): recorded as such in the
		   fetch state, never stored as a document; a page stored before stays as it was, and
		   no validator is kept, so the next crawl fetches it whole again */
		*why = arc == ZC_EPARSE || arc == ZC_OK ? "no document in it (empty, not HTML, or no title and no text)"
							: zc_strerror(arc);
		zc_doc_free(&d);
		fetch->kind = ZC_FETCH_UNPARSEABLE;
		fetch->unparseable = *why;
		zc_fetch_own(fetch);
		return ZC_EPARSE;
	}
	if (old && !strcmp(old->digest, cap->digest))
		zc_doc_free(&d);
	else
		*page = article_page(s, host, cap, d);
	fetch->etag = cap->etag ? cap->etag : "";
	fetch->last_modified = cap->last_modified ? cap->last_modified : "";
	fetch->digest = cap->digest;
	zc_fetch_own(fetch);
	return ZC_OK;
}

int zc_article_store(zc_txn *t, const char *url, const zc_article *page, const zc_fetch *fetch, uint64_t *id, int *is_new)
{
	int rc = ZC_OK;
	if (page)
		rc = zc_tx_page_store(t, url, &page->page, id, is_new);
	if (rc == ZC_OK && fetch)
		rc = zc_tx_fetch_put(t, url, fetch);
	return rc;
}
