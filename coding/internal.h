/* internal.h - private to coding/: a table of text cells as read from a sheet (table.c), the
   zip members the XLSX and QDPX readers share, and coders' codings kept past a walk (gather.c). */
#ifndef ZC_CODING_INTERNAL_H
#define ZC_CODING_INTERNAL_H

#include <stddef.h>
#include "index.h"
#include <libxml/tree.h>
#include <zip.h>

/* rows of cells; a missing cell reads as "" (zc_cells_cell) */
typedef struct zc_cells {
	char ***rows;
	size_t *ncells;
	size_t nrows;
} zc_cells;

const char *zc_cells_cell(const zc_cells *t, size_t row, size_t col);
void zc_cells_free(zc_cells **t);
/* A CSV (RFC 4180; a BOM skipped; UTF-8, else GB18030 as Excel saves it on a Chinese system). */
int zc_cells_csv(const char *data, size_t len, zc_cells **out, char **err);
/* The sheet named sheet (else the first) of an XLSX workbook in memory. */
int zc_cells_xlsx(const char *data, size_t len, const char *sheet, zc_cells **out, char **err);
/* A zip member (at most max bytes uncompressed) as a NUL-terminated buffer (free it): ZC_OK,
   ZC_ENOTFOUND when absent, ZC_ETOOBIG, ZC_EPARSE. */
int zc_zip_member(zip_t *z, const char *name, size_t max, char **out, size_t *len);
/* An XML document from memory, no network, no entities substituted, no DTD loaded. */
xmlDocPtr zc_xml_read(const char *data, size_t len);
/* The first child element of n named name (local name, any namespace), or NULL. */
xmlNodePtr zc_xml_child(xmlNodePtr n, const char *name);
/* An attribute (local name) as a new string, or NULL. */
char *zc_xml_attr(xmlNodePtr n, const char *name);

/* A coder's coding kept past the walk over the coding table. */
typedef struct zc_kept {
	char *entry, *coder;
	unsigned round;
	zc_codes codes;
	char *note, *text_sha256;
} zc_kept;
typedef struct zc_kept_set {
	zc_kept *v;
	size_t n;
} zc_kept_set;
/* The codings of round (0: every round, a coder's later round of an entry replacing the
   earlier), in the table's order: by entry code as bytes, then coder.  s starts zeroed. */
int zc_kept_gather(zc_txn *t, unsigned round, zc_kept_set *s);
/* The first coding of entry (its other coders' follow it, *count in all), or NULL. */
const zc_kept *zc_kept_find(const zc_kept_set *s, const char *entry, size_t *count);
/* The coding of entry by coder, or NULL. */
const zc_kept *zc_kept_of(const zc_kept_set *s, const char *entry, const char *coder);
void zc_kept_free(zc_kept_set *s);

#endif
