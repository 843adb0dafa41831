/*
 * select.h - the study profile, the four criteria and deduplication.
 *
 * zc_select_decide() is pure: one page record in, one decision out.  zc_select_finalize()
 * applies the decisions across the corpus (duplicates, abolition decisions, file codes,
 * entries) through the index's API, in one transaction.
 *
 * Reason codes (exactly one per exclusion): issuer, off-topic, type, interpretation,
 * forwarded, invalid, duplicate, out-of-range, unparseable.
 */
#ifndef ZC_SELECT_H
#define ZC_SELECT_H

#include <jansson.h>
#include <stddef.h>

#include "index.h"

typedef struct zc_profile zc_profile;

/* Loads a profile file (docs/PROFILE.md), strictly: an unknown field, a date that is not a
   day written YYYY-MM-DD, a reversed range, an empty list, a type outside ZC_PROFILE_TYPES or
   a file that is not UTF-8 (a UTF-8 byte order mark is fine) is ZC_EPARSE, and *err (free()
   it) names the file, the field and what to do. */
int zc_profile_load(const char *path, zc_profile **out, char **err);
void zc_profile_free(zc_profile **p);
const char *zc_profile_name(const zc_profile *p);
const char *zc_profile_path(const zc_profile *p);
/* The profile as compact JSON with its keys sorted (what a selection records of its profile);
   NULL when there was no memory to write it. */
const char *zc_profile_canonical(const zc_profile *p);
/* SHA-256 of the canonical JSON, 64 hex digits: the profile's fingerprint in exports and reports. */
const char *zc_profile_hash(const zc_profile *p);
/* The criteria in words, for a reader of an export or the report (free() it). */
char *zc_profile_describe(const zc_profile *p);
/* What the published selection records of its profile (index/selection.h zc_profile_record:
   name, SHA-256, criteria in words, the version that selected) into *r (zc_profile_record_clear()
   it): ZC_OK, else ZC_ENOTFOUND (*r empty) when there is no selection, one made before zhengce
   recorded it, or the record does not read. */
int zc_select_profile_record(zc_index *idx, zc_profile_record *r);
/* The document types a profile's "types" may name (NULL-terminated). */
extern const char *const ZC_PROFILE_TYPES[];
/* The topic keywords (entries, matching) and the keywords sent to search engines. */
const char *const *zc_profile_topic(const zc_profile *p, size_t *n);
const char *const *zc_profile_search(const zc_profile *p, size_t *n);

/* What the criteria say of one page (the decision record's criteria, index/page.h). */
typedef struct zc_verdict {
	const char *decision;	/* "included" or "excluded" (static) */
	const char *reason;	/* "" or a reason code (static) */
	char *evidence;		/* words a researcher reads; free() it */
} zc_verdict;

/* The criteria for one page. */
int zc_select_decide(const zc_profile *p, const zc_page *page, zc_verdict *d);

/* The dedup key of a document (docno, else normalised title + date); free() it. */
char *zc_select_dedup_key(const zc_page *page);
/*
 * SimHash (64 bits) of a body over its character 4-grams: copies of one text in different
 * wrappers differ in a few bits, different texts in about half.  Copies without a document
 * number whose titles differ (a portal that prefixes the issuer) are found by it: same
 * jurisdiction, same date, at most ZC_NEAR_BITS bits apart.
 */
unsigned long long zc_select_simhash(const char *body);
#define ZC_NEAR_BITS 3

typedef struct zc_select_stats {
	size_t pages, included, national, provincial, entries;
	size_t by_reason[ZC_NREASONS];	/* excluded, by ZC_REASONS (index/selection.h) */
	size_t new_codes;
	int reused;		/* the published selection was current: nothing was decided again */
} zc_select_stats;

/*
 * Decides every stored page, then dedup, abolition, file codes and entries, and publishes the
 * result in one transaction (docs/SCHEMA.md).  The published selection records the profile,
 * the zhengce version and the pages' revision it was made from (meta "selection"); when all
 * three are still those of now, nothing is decided again and *st is what that selection
 * counted, with st->reused set: a cron re-crawl that found nothing new does no selection.
 * ZC_SELECT_FORCE selects again all the same.  prog (may be NULL) shows the steps and pages.
 */
enum { ZC_SELECT_FORCE = 1, ZC_SELECT_DRY_RUN = 2, ZC_SELECT_CHANGES = 4 };
int zc_select_finalize(zc_index *idx, const zc_profile *p, unsigned flags, struct zc_progress *prog,
		       zc_select_stats *st);
/*
 * The same, and with ZC_SELECT_CHANGES (or ZC_SELECT_DRY_RUN, which implies it and FORCE)
 * *changes (json_decref() it) lists what the new selection changes against the published one:
 * [{"change": "enters"|"leaves", "kind": "document"|"entry", "code", "title", "reason",
 *   "evidence", "url"}], documents in page order, then entries.  A document's code is the one it
 * has or would get (leaving, the one it keeps); its reason is the new decision's.
 * ZC_SELECT_DRY_RUN decides everything in the corpus's unpublished generation (which every
 * selection starts by emptying) and publishes nothing: no file code is given, no meta written,
 * what readers see is as it was.
 */
int zc_select_run(zc_index *idx, const zc_profile *p, unsigned flags, struct zc_progress *prog, zc_select_stats *st,
		  json_t **changes);
/* A complete crawl searched for p's search_keywords (meta "search_keywords"). */
int zc_select_note_search(zc_index *idx, const zc_profile *p);
/* p's search keywords the last complete crawl did not search for, joined by 、 (free() it), or
   NULL when there is none (or the corpus does not say): reselect selects among stored pages
   only, and documents found by those words need a crawl. */
char *zc_select_unsearched(zc_index *idx, const zc_profile *p);
/*
 * Gives every included document of the published selection its code afresh, per jurisdiction
 * from 1 in the order new codes are given (written date, published date, number, URL), in one
 * transaction: decisions, the file-code index, the last code of each jurisdiction and the
 * entries (whose codes begin with their document's).  Documents out of the selection lose the
 * code they kept.  before_commit (may be NULL) gets the map, [{"old", "new", "url", "title"}]
 * ("new" empty for a code that goes), before the commit; a non-zero result aborts everything.
 * *documents: documents numbered; *changed: codes that changed or went.
 */
int zc_select_renumber(zc_index *idx, int (*before_commit)(json_t *map, void *arg), void *arg, size_t *documents,
		       size_t *changed);
/* What the published selection counted; ZC_ENOTFOUND when none was ever published. */
int zc_select_published(zc_index *idx, zc_select_stats *st);

#endif
