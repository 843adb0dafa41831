/*
 * internal.h - what the files of parser/ share; not part of the parser's API.
 *
 * A page is read as a sequence of cells: the text between two block boundaries (p, div, td,
 * li, dt, dd, br, ...), with white space runs kept as one ASCII space so that names set side by
 * side (国务院办公厅　中央军委办公厅) stay apart.  Metadata (meta.c) pairs labels with values
 * over the cells of the whole page; the body (body.c) is the cells of the content container.
 * Every string here is UTF-8 and owned by the structure that holds it.
 */
#ifndef ZC_PARSER_INTERNAL_H
#define ZC_PARSER_INTERNAL_H

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stddef.h>

/* one cell of text */
typedef struct pcell {
	char *text;		/* white space runs as one space, trimmed; never empty */
	xmlNode *node;		/* the innermost block element holding the text */
	unsigned flags;		/* PCELL_* */
} pcell;

enum {
	PCELL_META = 1u << 1,		/* read as metadata (a label or its value) */
	PCELL_RIGHT = 1u << 2,		/* aligned right (signature blocks are) */
	PCELL_IN_BODY = 1u << 3,	/* inside the content container */
	PCELL_CENTER = 1u << 4,		/* centred (a heading inside the text is) */
};

typedef struct pcells {
	pcell *v;
	size_t n, cap;
} pcells;

void pcells_free(pcells *c);
void pcells_remove(pcells *c, size_t i);
/* cells [from, to) removed in one move of the cells after them */
void pcells_remove_range(pcells *c, size_t from, size_t to);
/* The cells under n's children; n may be the document node itself. */
void pcells_collect(xmlNode *n, pcells *out);

/*
 * A map from keys to counts, open addressing, for the walks that must stay linear in the
 * page: keys are pointers (nodes), or strings when made with strings = 1 (compared by
 * content; the map holds the pointer, never a copy: the caller keeps the string alive).
 */
typedef struct zc_pmap {
	const void **key;
	size_t *val;
	size_t cap, n;
	int strings;
} zc_pmap;
/* Adds v to key's count (a new key starts at 0); returns 1 when key was new. */
int zc_pmap_add(zc_pmap *m, const void *key, size_t v);
/* key's count, or 0 with *found 0 */
size_t zc_pmap_get(const zc_pmap *m, const void *key, int *found);
void zc_pmap_free(zc_pmap *m);

/* code points in s */
size_t zc_cp_count(const char *s);
/* white space as pages write it: ASCII, U+00A0, U+3000 */
int zc_is_space_cp(unsigned cp);
/* the paragraph as the body gives it: runs of white space as one space, no space beside a
   character that is not ASCII.  New string. */
char *zc_tidy(const char *s);
/* The page's HTML (UTF-8) parsed by libxml2, its memory in the region of xmlmem.c, each
   element's attributes read for zc_node_prop and zc_node_hidden as it is made; NULL when
   libxml2 makes no document.  zc_html_free gives it back, and must be called after it
   whatever it returned. */
htmlDocPtr zc_html_read(const char *html, size_t len, const char *url);
void zc_html_free(htmlDocPtr doc);
/* all text under n (n included), tidied, cells joined without separator; new string */
char *zc_node_text(xmlNode *n);
/* an attribute's value, or NULL; *own is what the caller xmlFree()s */
const char *zc_node_prop(xmlNode *n, const char *name, xmlChar **own);
/* element skipped when text is read: script, style, hidden by style or attribute */
int zc_node_hidden(xmlNode *n);
int zc_node_is_block(const char *name);
/* whether a class attribute's list holds name (case-insensitive, whole word) */
int zc_class_has(const char *classes, const char *name);

/* metadata read from labels (meta.c) */
typedef struct meta_fields {
	char *title, *issuers, *written, *docno, *published, *validity;
} meta_fields;
void zc_meta_free(meta_fields *m);
/* Pairs labels (发文机关, 成　　文日期, 文 号 ...) with their values over the cells of a page,
   whatever the layout; the cells read are flagged PCELL_META.  in_body 0 reads the cells
   outside the content container, 1 those inside it; strict 1 does not take the labels that
   are also common words (日期, 时间, 来源 ...) for labels.  A field already set is kept. */
void zc_meta_read(pcells *cells, meta_fields *m, int in_body, int strict);

/* The content container (body.c): by a known id or class (*by_name = 1), else by text
   density, where the title block candidates heads[0..n_heads) score as no paragraph; NULL when
   the page has no prose at all. */
xmlNode *zc_body_container(xmlNode *root, xmlNode *const *heads, size_t n_heads, int *by_name);

/* an element that is page furniture by its tag, id or class (nav, footer, share, related
   links, breadcrumbs ...) */
int zc_node_furniture(xmlNode *n);

/* issuers: a name as it would be read from an org line (ends with 委员会 厅 局 ...) */
int zc_is_org_name(const char *s);

#endif
