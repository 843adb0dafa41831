/* page_json.h - a page given as JSON in a test: read as the JSON text of a schema-1 page record
   reads (zc_page_decode), its strings borrowed from the decoding (zc_page_clear() it). */
#ifndef ZC_TEST_PAGE_JSON_H
#define ZC_TEST_PAGE_JSON_H

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "zc.h"

static inline int page_of_json(json_t *o, zc_page *out)
{
	char *s = json_dumps(o, JSON_COMPACT);
	int rc = s ? zc_page_decode(s, strlen(s), out) : ZC_EPARSE;
	free(s);
	return rc;
}

#endif
