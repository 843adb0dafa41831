/*
 * crawler.h - search the seed sites for the study's keywords, follow their lists, fetch the
 * articles, and archive every exchange.
 *
 * One libcurl multi handle drives every transfer from one event loop.  Politeness is per host:
 * one request at a time, a delay of max(--delay, robots.txt Crawl-delay capped at
 * --max-crawl-delay) between the end of one request and the start of the next, exponential
 * backoff on 429, 5xx and time-outs (Retry-After honoured), a retry budget per URL.  The
 * frontier, the seen set and each URL's fetch state live in the index (LMDB): memory does not
 * grow with the frontier, and a crawl killed at any instant resumes where it stopped.
 *
 * Sites are data (seeds/sites.json, docs/SEEDS.md); the few answer formats (families) are code
 * (families.c).
 *
 * What is global: zc_crawl_run() installs SIGINT and SIGTERM handlers for its run (the previous
 * ones come back when it returns), and the signal that came is kept in a static (a handler can
 * reach nothing else), so one crawl runs at a time in a process.  The WARC digests (SHA-1) use
 * one OpenSSL context of the process, made at the first digest and kept (looking the algorithm
 * up again cost more than the digest of a request record): one thread at a time.  Nothing else
 * outlives a call.
 */
#ifndef ZC_CRAWLER_H
#define ZC_CRAWLER_H

#include <jansson.h>
#include <stddef.h>

#include "index.h"

/* ---- seeds ------------------------------------------------------------------------------ */

typedef struct zc_endpoint {
	char *method;		/* GET or POST */
	char *url;		/* template: {kw} {page} {page0} {rpage} {start} {end} */
	char *next;		/* template for pages >= 2 (lists); NULL: url serves every page */
	char *body;		/* POST form template */
	char *answer;		/* govcn-json hanweb-json trs-was5 jpage-xml html-list */
	char *items;		/* html-list: XPath of the article links */
	char *pages;		/* html-list: regex whose group 1 is the page count */
	char *referer;
	int page_size;		/* results per page (search) or per request (jpage) */
	int max_pages;		/* safety bound against endless pagination */
	int date_order;		/* "order": "date": results newest first (a re-crawl may stop early) */
} zc_endpoint;

typedef struct zc_site {
	char *host;
	char *jurisdiction;	/* 00 national; GB/T 2260 province code */
	char *name;
	char *kind;		/* gov or hc */
	char *family;
	char **hosts;		/* every host in the site's scope */
	size_t n_hosts;
	zc_endpoint *search;	/* searched for every keyword */
	size_t n_search;
	zc_endpoint *lists;	/* crawled to the end; articles filtered locally */
	size_t n_lists;
} zc_site;

typedef struct zc_seeds {
	zc_site *sites;
	size_t n;
} zc_seeds;

/* Loads seeds/sites.json; on error *err names the file, the site and the problem. */
int zc_seeds_load(const char *path, zc_seeds *out, char **err);
void zc_seeds_free(zc_seeds *s);
const zc_site *zc_seeds_find(const zc_seeds *s, const char *host);
/* The site whose scope holds host (the host itself or one it declares). */
const zc_site *zc_seeds_scope(const zc_seeds *s, const char *host);

/* ---- the crawl's options ------------------------------------------------------------------ */

struct zc_crawl_opts;
/* Endpoint ep's first page (keyword kw for a search), one request with the crawl's options (user
   agent, --connect-to, --cacert, --cookies, time-out), robots.txt of its host asked first: the
   links and page count it announces in *out (zc_links_free), or an error with *why (free it):
   unreachable, disallowed, a challenge, a status other than 2xx, not an answer of its format. */
struct zc_links;
struct zc_endpoint;
int zc_seeds_probe(const struct zc_endpoint *ep, const char *kw, const struct zc_crawl_opts *o, struct zc_links *out,
		   char **why);

/* ---- robots.txt (RFC 9309) -------------------------------------------------------------- */

typedef struct zc_robots zc_robots;
/* Parses robots.txt for the product token agent (e.g. "zhengce"); never fails. */
zc_robots *zc_robots_parse(const char *text, size_t len, const char *agent);
/* A robots that allows everything (404) or nothing (unreachable). */
zc_robots *zc_robots_all(int allow);
int zc_robots_allowed(const zc_robots *r, const char *path);
/* Crawl-delay in seconds, or -1 when the file gives none. */
double zc_robots_delay(const zc_robots *r);
void zc_robots_free(zc_robots **r);

/* ---- answers (families) ------------------------------------------------------------------ */

typedef struct zc_links {
	char **urls;		/* absolute article URLs, in answer order */
	int *days;		/* each one's date as the answer gives it, as YYYYMMDD; 0 when none */
	size_t n;
	long pages;		/* total pages the answer announces; 0 when it does not say */
	long total;		/* total results when announced, else -1 */
	size_t cap;		/* private: room in urls */
	size_t *set, set_cap;	/* private: index + 1 of each URL, by hash (duplicates) */
} zc_links;

/* Parses a search answer or a list page; pure.  ZC_EPARSE when it is not that format. */
int zc_answer_parse(const zc_endpoint *ep, const char *page_url, const char *bytes, size_t len,
		    const char *content_type, zc_links *out);
void zc_links_free(zc_links *l);
/* The last date written in text (2024-10-31, 2024.10.31, 2024/10/31, 2024年10月31日) as
   YYYYMMDD, or 0 when it holds none: a list item's or a search result's date. */
int zc_text_last_day(const char *text, size_t len);
/* Expands an endpoint template; new string. */
char *zc_template_expand(const char *tpl, const char *kw, long page, long pages, long page_size);

/* ---- WARC/1.1 archive --------------------------------------------------------------------- */

typedef struct zc_warc zc_warc;
/* Opens a new file under dir (rolled at max_bytes).  */
int zc_warc_open(const char *dir, size_t max_bytes, zc_warc **out);
void zc_warc_close(zc_warc **w);
/* The name of the file being written (under dir/warc), valid while w is open. */
const char *zc_warc_name(const zc_warc *w);
typedef struct zc_warc_ref {
	char file[128];
	long long offset;
	char record_id[64];	/* <urn:uuid:…> of the response or revisit record */
} zc_warc_ref;
/* Writes request + response (or revisit for 304 / identical payload) records.  digest is the
   body's zc_warc_digest() when the caller has it already, or NULL. */
int zc_warc_exchange(zc_warc *w, const char *url, const char *request, size_t reqlen,
		     const char *resp_head, size_t headlen, const char *body, size_t bodylen,
		     const char *digest, int status, const char *revisit_of_digest, zc_warc_ref *ref);
/* Makes the records written so far durable (fdatasync of the file, fsync of its directory when
   the file was made since the last call): call it before committing anything that points at
   them.  A no-op when nothing was written since. */
int zc_warc_sync(zc_warc *w);
/* sha1:BASE32 of a payload, into out (at least 38 bytes).  Like an allocation that fails (zc.h),
   OpenSSL failing to compute a SHA-1 (out of memory, or a configuration without its default
   provider) aborts the process: no record can be archived or compared without it, and the
   corpus loses nothing (every write is a transaction, the archive is repaired at the next
   crawl). */
void zc_warc_digest(const char *body, size_t len, char *out);
/* Reads a WARC file; calls fn per record, as it is read, with its headers (JSON object) and
 * block; fn returns non-zero to stop, and that is then the result.  Memory holds one gzip member
 * at a time (zhengce writes a record per member), not the file.  A file being written, or whose
 * crawl was killed while writing it (its marker), may end in part of a record: with cut not
 * NULL, the records before that part are read and *cut is its size (0 when there is none).
 * Otherwise, and for a file closed before the read began, such an end is ZC_ECUT; damage
 * anywhere is ZC_EPARSE (after fn has had the records before it either way). */
typedef int (*zc_warc_record_fn)(json_t *headers, const char *block, size_t len, void *arg);
int zc_warc_read(const char *path, zc_warc_record_fn fn, void *arg, long long *cut);
/* The one record whose gzip member starts at offset (a zc_warc_ref's): fn is called with it and
 * its result is the result.  ZC_EPARSE when no whole record starts there (an offset inside a
 * member, or past the end), ZC_ECUT when the file ends inside it, ZC_ENOTFOUND when there is no
 * such file.  Memory holds the record. */
int zc_warc_read_at(const char *path, long long offset, zc_warc_record_fn fn, void *arg);
/*
 * Any writer's WARC file (zhengce's, wget's, warcio's, Heritrix's, a browser archiver's):
 * WARC/1.0 and 1.1, a gzip member per record, the whole file one gzip stream, or none, told by
 * its first bytes.  A record's place (zc_warc_pos) is the file offset of the gzip member it
 * begins in and the inflated bytes of that member before it (0 when each record has its member),
 * or its offset in an uncompressed file: a later read starts there.  Header names come in
 * their usual spelling whatever the case written ("WARC-Record-ID").
 */
typedef struct zc_warc_pos {
	long long offset;
	long long skip;
} zc_warc_pos;
/* blocks up to this size are held and handed over; a larger one comes with block NULL */
#define ZC_WARC_MAX_BLOCK ((size_t)64 << 20)
typedef struct zc_warc_record {
	json_t *headers;	/* "version" ("WARC/1.1") and the named fields */
	const char *block;	/* NUL-terminated after len bytes; NULL when larger than the cap */
	size_t len;		/* Content-Length */
	zc_warc_pos at;
} zc_warc_record;
typedef int (*zc_warc_scan_fn)(const zc_warc_record *r, void *arg);
/* Calls fn with each record of the file from from (NULL: its start), or with the one record
 * there when one is set.  fn returns non-zero to stop, and that is then the result.  ZC_EPARSE
 * with *err (free it; err may be NULL) naming the file, the offset and the fault (not WARC, a
 * version other than 1.0 and 1.1, a header line without a name, no or a bad Content-Length,
 * damaged gzip), after fn has had the records before it.  A cut tail (the file ends inside a
 * gzip member, a record's header or its block, with nothing after: a writer at work, or killed)
 * is ZC_ECUT, with *err naming where the part cut short starts, after fn has had every record
 * whole before the end (in any of the three forms).  ZC_ENOTFOUND when there is no such file.
 * Memory holds one record. */
int zc_warc_scan(const char *path, const zc_warc_pos *from, int one, zc_warc_scan_fn fn, void *arg, char **err);
/* Cuts what a killed crawl left of a record at the end of its WARC files under dir/warc (call
 * it holding the crawl lock, before zc_warc_open); note is told of each file cut and how many
 * bytes went. */
typedef void (*zc_warc_repair_fn)(const char *file, long long cut, void *arg);
int zc_warc_repair(const char *dir, zc_warc_repair_fn note, void *arg);

/* ---- the crawl ----------------------------------------------------------------------------- */

/* What a host of the crawl is doing (zc_crawl_progress). */
enum zc_host_activity {
	ZC_HOST_FETCHING, ZC_HOST_BLOCKED, ZC_HOST_BACKING_OFF, ZC_HOST_WAITING, ZC_HOST_READY, ZC_HOST_DONE,
	ZC_HOST_STATES
};
typedef struct zc_host_progress {
	const char *host;
	long done;			/* requests done */
	uint64_t queued;		/* requests queued, counted up to a cap */
	int queued_capped;		/* ... which was reached */
	enum zc_host_activity activity;
	double wait;			/* seconds until its next request (waiting, backing off) */
} zc_host_progress;
/* The crawl's progress, as a display shows it; valid for the call. */
typedef struct zc_crawl_progress {
	long requests, fresh, unchanged;	/* fresh: documents new or changed */
	uint64_t queued;			/* requests queued, all hosts */
	int hosts[ZC_HOST_STATES];		/* hosts by what they are doing */
	const zc_host_progress *shown;		/* hosts at work, up to progress_hosts */
	size_t n_shown;
	size_t hidden;				/* hosts at work not shown */
	int final;				/* the last call, when the crawl ends */
} zc_crawl_progress;
typedef void (*zc_crawl_progress_fn)(const zc_crawl_progress *p, void *arg);
typedef void (*zc_crawl_note_fn)(const char *msg, void *arg);

typedef struct zc_crawl_opts {
	const char *dir;		/* corpus directory (LMDB, archive, lock) */
	const char *user_agent;
	const char *cacert;
	const char *cookies;		/* Netscape cookies.txt */
	char **connect_to;		/* HOST:PORT:ADDR:PORT */
	size_t n_connect_to;
	const char *const *keywords;
	size_t n_keywords;
	const char *only;		/* comma-separated hosts or jurisdiction codes, or NULL */
	double delay;			/* seconds between requests to one host */
	double max_crawl_delay;		/* cap on robots.txt Crawl-delay */
	double backoff;			/* base of the exponential backoff, seconds */
	int tries;			/* attempts per URL */
	long timeout;			/* seconds per transfer */
	size_t max_body;		/* bytes */
	size_t warc_max;		/* bytes per WARC file */
	/* Progress, about twice a second and once at the end (NULL: none); at most progress_hosts
	   hosts at work are detailed.  Notes (a URL given up on, a redirect not followed, a cut WARC
	   file...) go to note, one line each without its end (NULL: dropped). */
	zc_crawl_progress_fn progress;
	void *progress_arg;
	size_t progress_hosts;
	zc_crawl_note_fn note;
	void *note_arg;
	int verbose;
	int full;			/* walk every page of every site (no incremental stop) */
	long full_runs, full_days;	/* the corpus's full-pass policy from now on; 0: as it is */
} zc_crawl_opts;

/* What the caller makes of an article: ZC_OK and the document its parser read (*doc, parser.h's,
   which zc_article_take takes); ZC_ECHALLENGE for an anti-bot challenge; ZC_EPARSE (*doc NULL)
   when the answer holds no document (empty, not HTML, no title and no text), which is then
   never stored as one. */
struct zc_doc;
typedef int (*zc_article_fn)(void *arg, const zc_site *site, const char *url,
			     const char *content_type, const char *body, size_t len,
			     struct zc_doc **doc);

/* An article's answer, fetched by a crawl or read from a WARC record by an import. */
typedef struct zc_capture {
	const char *url;
	const char *ctype;		/* its Content-Type, or NULL */
	const char *body;		/* decoded (no transfer or content coding) */
	size_t len;
	long status;			/* 2xx */
	const char *digest;		/* zc_warc_digest() of body */
	const char *when;		/* when it was fetched (ISO 8601, UTC): the page's fetched_at */
	const char *etag, *last_modified;	/* its validators, or NULL */
	long tries;
	zc_warc_place warc;		/* where its record is */
} zc_capture;
/* A new page made of a capture (zc_article_take): its page record and what that points into. */
typedef struct zc_article zc_article;
void zc_article_free(zc_article **page);
/* What the corpus makes of an article's answer, one way for crawl and import: article (the
   parser) reads it; ZC_ECHALLENGE for a challenge (nothing to store); ZC_EPARSE with *fetch
   (the URL's fetch state, saying why) and *why when it holds no document; else ZC_OK with
   *fetch and *page, the new page (the page record of docs/SCHEMA.md, holding its own strings),
   or *page NULL when old (the URL's fetch state before, may be NULL) has the same digest.  host
   names the page's site when s is NULL.  zc_article_free() *page; *fetch holds its own strings
   (zc_fetch_clear() it). */
int zc_article_take(zc_article_fn article, void *arg, const zc_site *s, const char *host, const zc_capture *cap,
		    const zc_fetch *old, zc_article **page, zc_fetch *fetch, const char **why);
/* Stores what zc_article_take gave (either may be NULL) in the transaction (zc_tx_page_store,
   zc_tx_fetch_put). */
int zc_article_store(zc_txn *t, const char *url, const zc_article *page, const zc_fetch *fetch, uint64_t *id,
		     int *is_new);

typedef struct zc_site_report {
	char host[96];
	long requests, articles, results, errors;
	int challenged, failed;
	int incremental;	/* pages of results newest first stop at the first one all known */
	char since[32];		/* the start of the site's last complete run, "" for none */
	char problem[256];
} zc_site_report;

typedef struct zc_crawl_summary {
	long requests, added, changed, unchanged, failed, skipped_robots, skipped_scope;
	long challenged;
	long unparseable;	/* answers that held no document (fetch state "unparseable") */
	int resumed;
	int signal;		/* SIGINT or SIGTERM when one stopped the crawl (then ZC_EINTR), else 0 */
	zc_site_report *sites;
	size_t n_sites;
} zc_crawl_summary;

/* Where a connection for url goes, as libcurl's URL parser reads it (docs/DESIGN.md): ZC_OK
   with its host (lower case, into host[n]) and port; ZC_ESCOPE with *why (a static string) for a
   URL no crawl may follow: not http(s), user info before the host, a host that is not a plain
   name (IP literals in any notation, a trailing dot). */
int zc_url_target(const char *url, char *host, size_t n, int *port, const char **why);
/* The first name of --site's list (comma-separated) that is neither a seed site's host nor a
   jurisdiction code of one (an empty name included), as a new string; NULL when all are. */
char *zc_crawl_site_unknown(const zc_seeds *seeds, const char *only);
/* Whether --site's list (hosts or jurisdiction codes, comma-separated; NULL: all) names s. */
int zc_crawl_site_selected(const char *only, const zc_site *s);
int zc_crawl_run(zc_index *idx, const zc_seeds *seeds, const zc_crawl_opts *o,
		 zc_article_fn article, void *arg, zc_crawl_summary *sum);
void zc_crawl_summary_free(zc_crawl_summary *s);

/* ---- import: WARC files of any archiving crawler ----------------------------------------- */

struct zc_progress;
typedef struct zc_warc_import_opts {
	const char *const *files;	/* WARC files, any writer's (zc_warc_scan) */
	size_t n_files;
	const char *only;		/* --site's list, or NULL: every seed site */
	struct zc_progress *prog;	/* progress line (its on may be 0) */
	int verbose;			/* say each record skipped and why */
	/* What is said (a damaged file, and with verbose each record skipped and why) goes to
	   note, one line each without its end (NULL: dropped). */
	zc_crawl_note_fn note;
	void *note_arg;
} zc_warc_import_opts;

typedef struct zc_warc_import_summary {
	long records;		/* WARC records read */
	long responses, revisits;	/* of them, responses and revisits of HTTP */
	long added, changed, unchanged;	/* documents */
	long older;		/* captures older than the page the corpus holds */
	long answers;		/* search answers and list pages of the seeds' endpoints */
	long unparseable;	/* answers that held no document (fetch state "unparseable") */
	long challenged;	/* anti-bot challenge pages */
	long out_of_scope;	/* URLs of hosts no selected seed site holds */
	long not_pages;		/* not 2xx, not HTML or text, a body that does not decode */
	long unresolved;	/* revisits whose original record is in none of the files */
	long files_failed;	/* files damaged (the records before the fault are taken) */
	size_t sites;		/* sites whose documents the files hold */
	char unparseable_url[512];
} zc_warc_import_summary;
/*
 * Imports the files: each response record of a selected seed site's URL (a revisit through the
 * record it refers to, in any of the files) is taken as a crawl takes a fetched article
 * (zc_article_take): a new or changed document is stored, naming its file (absolute path) and
 * place; search answers and list pages of the seeds' endpoints are recorded in the fetch state
 * as answers, not documents.  A capture older than the page the corpus holds, or the same, adds
 * nothing, so that importing a file again adds nothing and an import killed at any moment is
 * resumed by running it again.  A damaged file is said to o->note (its records before the fault
 * are taken) and counted in files_failed; a file with a cut tail (zc_warc_scan's ZC_ECUT) is
 * said and its whole records taken, not a failure.  The caller holds the crawl lock, and selects
 * after.
 */
int zc_warc_import_run(zc_index *idx, const zc_seeds *seeds, const zc_warc_import_opts *o, zc_article_fn article, void *arg,
		  zc_warc_import_summary *sum);

/* The HTTP response a WARC response record's block holds: its status, Content-Type (*ctype,
   free() it; NULL when none) and body into body, transfer coding (chunked) and content coding
   (gzip, deflate) undone.  ZC_EPARSE (or ZC_ETOOBIG past body's cap) with *why, a static string,
   when the block is not an HTTP response or its body does not decode. */
struct zc_buf;
int zc_warc_http_body(const char *block, size_t len, long *status, char **ctype, struct zc_buf *body, const char **why);

/* ---- merge: corpora into one ------------------------------------------------------------- */

typedef struct zc_merge_summary {
	long pages, added, changed, unchanged, older;
	long fetch_states;	/* fetch states of URLs without a page (answers, unparseable, 4xx) */
	long warc_files;	/* WARC files linked or copied into the corpus */
	long problems;		/* sites' unfinished-crawl reports carried over */
} zc_merge_summary;
/*
 * The pages of the corpora under srcs (read-only) into idx (the corpus under dir, its crawl lock
 * held): each URL's latest capture (fetched_at; the same digest adds nothing), its fetch state,
 * the WARC files its pages name (hard-linked into dir/warc, else copied; a file of the same name
 * and other content is refused with *err), and the sources' unfinished-crawl reports.  No
 * selection: the caller selects once after.  Merging a corpus again adds nothing.
 */
int zc_merge_run(zc_index *idx, const char *dir, const char *const *srcs, size_t n, struct zc_progress *prog,
		 zc_merge_summary *sum, char **err);
/*
 * check: the corpus verified.  Every WARC file under corpus/warc reads back; every page record
 * reads, the URL index and (for an included document) its file code point at it, and its WARC
 * record is where the page says.  Each problem, and each note (a WARC file that ends in part of
 * a record), goes to say as one line; prog (may be NULL) shows how far it is.
 */
typedef struct zc_check_summary {
	long pages, included, records, problems;
} zc_check_summary;
typedef void (*zc_check_say_fn)(const char *line, void *arg);
int zc_check_corpus(zc_index *idx, const char *corpus, struct zc_progress *prog, zc_check_say_fn say, void *arg,
		    zc_check_summary *sum);

#endif
