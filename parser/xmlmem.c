/*
 * xmlmem.c - libxml2's memory during one parse, taken from a region given back at once.
 *
 * libxml2 builds a page's tree out of many small allocations (elements, attributes, names,
 * text) and xmlFreeDoc frees each again: on the mirror's articles glibc's malloc and free
 * were about a sixth of the parse.  Between zc_xmlmem_begin() and zc_xmlmem_end(), libxml2's
 * xmlMalloc takes memory from the region by moving a pointer, its xmlFree of region memory
 * does nothing, and the end gives the region back in one step.
 *
 * Memory that is not the region's is malloc's, as it would be without this file: what libxml2
 * allocated before the first parse or outside one, single allocations over LARGE, and
 * everything past REGION_MAX (a page whose text grows by many small reallocations cannot make
 * the region large, only slower).  xmlFree and xmlRealloc tell the two apart by address.
 *
 * Built with AddressSanitizer, the region's memory is poisoned except where an allocation is
 * live, so a read past an allocation, of a freed one or after the end is reported as it
 * would be with malloc.
 */
#include "xmlmem.h"

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define ZC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZC_ASAN 1
#endif
#endif
#ifdef ZC_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

enum {
	ALIGN = 16,			/* malloc's alignment on x86-64 and arm64 */
	HEAD = 16,			/* before each allocation: its size, for realloc */
	FIRST = 256 << 10,		/* the first block, kept between parses */
	LARGE = 64 << 10,		/* larger single allocations are malloc's */
	REGION_MAX = 32 << 20		/* the region's blocks together, at most */
};

typedef struct block {
	struct block *next;		/* the block filled before this one */
	size_t size, used;
	size_t pad_;			/* data at a multiple of ALIGN */
	unsigned char data[];
} block;

_Static_assert(offsetof(block, data) % ALIGN == 0, "block data aligned");

static struct {
	int on, installed;
	block *head;			/* the block being filled */
	block *first;			/* the last of head's list, kept */
	size_t total;			/* the blocks' sizes together */
	unsigned char *last;		/* the latest allocation, which realloc may grow in place */
} R;

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static int in_region(const void *p)
{
	const unsigned char *c = p;
	for (const block *b = R.head; b; b = b->next)
		if (c >= b->data && c < b->data + b->size)
			return 1;
	return 0;
}

static size_t size_of(const unsigned char *p)
{
	size_t n;
	UNPOISON(p - HEAD, sizeof n);
	memcpy(&n, p - HEAD, sizeof n);
	POISON(p - HEAD, sizeof n);
	return n;
}

static void set_size(unsigned char *p, size_t n)
{
	UNPOISON(p - HEAD, sizeof n);
	memcpy(p - HEAD, &n, sizeof n);
	POISON(p - HEAD, sizeof n);
}

/* n bytes from the region, or NULL when they are to be malloc's */
static void *take(size_t n)
{
	if (!R.on || n > LARGE)
		return NULL;
	size_t need = HEAD + round_up(n ? n : 1);
	block *b = R.head;
	if (!b || b->size - b->used < need) {
		size_t size = b ? b->size * 2 : FIRST;
		if (R.total + size > REGION_MAX)
			return NULL;
		block *nb = malloc(sizeof *nb + size);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->size = size;
		nb->used = 0;
		POISON(nb->data, size);
		R.head = b = nb;
		if (!R.first)
			R.first = nb;
		R.total += size;
	}
	unsigned char *p = b->data + b->used + HEAD;
	b->used += need;
	set_size(p, n);
	UNPOISON(p, n);
	R.last = p;
	return p;
}

static void *xm_malloc(size_t n)
{
	void *p = take(n);
	return p ? p : malloc(n);
}

static void xm_free(void *p)
{
	if (!p)
		return;
	if (!in_region(p)) {
		free(p);
		return;
	}
	POISON(p, size_of(p));
	if (p == R.last) {	/* the latest allocation: its room is taken again */
		R.head->used = (size_t)(R.last - HEAD - R.head->data);
		R.last = NULL;
	}
}

static void *xm_realloc(void *p, size_t n)
{
	if (!p)
		return xm_malloc(n);
	if (!in_region(p))
		return realloc(p, n);
	size_t old = size_of(p);
	if (p == R.last && R.on && n <= LARGE) {
		block *b = R.head;
		size_t start = (size_t)(R.last - b->data);
		if (start + round_up(n ? n : 1) <= b->size) {
			b->used = start + round_up(n ? n : 1);
			set_size(R.last, n);
			if (n < old)
				POISON(R.last + n, old - n);
			else
				UNPOISON(R.last, n);
			return p;
		}
	}
	void *q = xm_malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	xm_free(p);
	return q;
}

static char *xm_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xm_malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void zc_xmlmem_begin(void)
{
	if (!R.installed) {
		/* libxml2's own tables, made once, must not be the region's: made now if they were
		   not yet.  Memory it allocated before this is not the region's: xmlFree passes it
		   to free. */
		xmlInitParser();
		if (xmlMemSetup(xm_free, xm_malloc, xm_realloc, xm_strdup) != 0)
			return;
		R.installed = 1;
	}
	R.on = 1;
}

void zc_xmlmem_end(void)
{
	if (!R.on)
		return;
	/* libxml2 keeps a copy of the last error, its strings from the region */
	xmlResetLastError();
	R.on = 0;
	R.last = NULL;
	while (R.head && R.head != R.first) {
		block *b = R.head;
		R.head = b->next;
		UNPOISON(b->data, b->size);
		free(b);
	}
	if (R.first) {
		R.first->used = 0;
		POISON(R.first->data, R.first->size);
		R.total = R.first->size;
	}
}
