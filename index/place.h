/*
 * place.h - where a record lies in a WARC file (included by page.h and fetch.h): a page record
 * names the record its document came from, an imported answer's fetch state the answer's.  One
 * type and one codec for both (index/place.c, the field "warc" of docs/SCHEMA.md).
 */
#ifndef ZC_INDEX_PLACE_H
#define ZC_INDEX_PLACE_H

/* Strings "" when absent (never NULL in a record read; NULL taken for "" in one written). */
typedef struct zc_warc_place {
	const char *file;		/* a crawl's file under CORPUS/warc by its name, an imported one
					   by its absolute path; "" when the record names none */
	long long offset;		/* of the gzip member the record begins in (zc_warc_pos) */
	long long skip;			/* inflated bytes of that member before it (0: none) */
	const char *record_id;		/* its WARC-Record-ID */
	const char *payload_record_id;	/* a revisit's: the response whose payload it is; "" none */
} zc_warc_place;

#endif
