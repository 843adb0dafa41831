/*
 * xmlmem.c - libxml2's memory during one parse, taken from a region given back at once.
 *
 * libxml2 builds a page's tree out of many small allocations (elements, attributes, names,
 * text) and xmlFreeDoc frees each again: on the mirror's articles glibc's malloc and free
 * were about a sixth of the parse.  Between zc_xmlmem_begin() and zc_xmlmem_end(), libxml2's
 * xmlMalloc takes memory from the region by moving a pointer, and the end gives everything
 * libxml2 allocated in between back in one step, the document with it: no walk over the tree
 * frees it node by node (on a large page that walk reads the whole tree from memory again).
 *
 * What libxml2 frees during the parse (the buffers of attribute values, names and text it
 * copies into the tree) is taken again by allocations of the same size, so that the region
 * stays the tree's size: every allocation is 8 bytes of its size and its bytes rounded up to
 * 8.  Single allocations over LARGE, and everything once the region holds region_max (a page
 * whose text grows by many small reallocations cannot make the region much larger than the
 * page, only slower), are malloc's, kept in a set and freed at the end too.  Memory libxml2
 * allocated outside a parse is malloc's as it would be without this file; xmlFree and
 * xmlRealloc tell the three apart by address.
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
	/* libxml2's structures hold pointers, ints and doubles, nothing aligned wider */
	ALIGN = 8,
	HEAD = 8,			/* before each allocation: its size, for realloc and free */
	SMALL = 1024,			/* freed allocations up to this size are taken again */
	FIRST = 256 << 10,		/* the first block, kept between parses */
	LARGE = 64 << 10,		/* larger single allocations are malloc's */
	HUGE_FROM = 4 << 20,		/* blocks this large are in huge pages where the system has them */
	HUGE = 2 << 20,			/* the size of a huge page (x86-64, arm64 with 4 KB pages) */
	REGION_MIN = 32 << 20,		/* the region may hold this much whatever the page's size */
	PER_BYTE = 64			/* and this many bytes per byte of the page parsed */
};

typedef struct block {
	struct block *next;		/* the block filled before this one */
	size_t size, used;
	unsigned char data[];
} block;

_Static_assert(offsetof(block, data) % ALIGN == 0, "block data aligned");

static struct {
	int on, installed;
	block *head;			/* the block being filled */
	block *first;			/* the last of head's list, kept */
	size_t total, max;		/* the blocks' sizes together, and at most */
	unsigned char *last;		/* the latest allocation, which realloc may grow in place */
	unsigned char *free[SMALL / ALIGN + 1];	/* freed allocations by size, linked */
	void **big;			/* malloc's allocations of the parse: a set, open addressing */
	size_t nbig, capbig;		/* in it (the removed marked as such), and its slots */
} R;

/* a removed member of the set of malloc's allocations */
static char removed_;
#define REMOVED ((void *)&removed_)

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

static size_t big_slot(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 11400714819323198485ull;
	return (size_t)(h >> 20) & (R.capbig - 1);
}

/* the slot of p in the set, or of the empty slot where it would go */
static size_t big_find(const void *p)
{
	size_t i = big_slot(p);
	while (R.big[i] && R.big[i] != p)
		i = (i + 1) & (R.capbig - 1);
	return i;
}

/* p in the set of malloc's allocations of the parse; 0 when no memory for the set */
static int big_add(void *p)
{
	if ((R.nbig + 1) * 2 > R.capbig) {
		void **old = R.big;
		size_t oldcap = R.capbig;
		R.capbig = oldcap ? oldcap * 2 : 64;
		R.big = calloc(R.capbig, sizeof *R.big);
		if (!R.big) {
			R.big = old;
			R.capbig = oldcap;
			return 0;
		}
		R.nbig = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i] && old[i] != REMOVED) {
				R.big[big_find(old[i])] = old[i];
				R.nbig++;
			}
		free(old);
	}
	R.big[big_find(p)] = p;
	R.nbig++;
	return 1;
}

/* whether p was in the set (it is no longer) */
static int big_remove(const void *p)
{
	if (!R.capbig)
		return 0;
	size_t i = big_find(p);
	if (!R.big[i])
		return 0;
	R.big[i] = REMOVED;
	return 1;
}

/* A block of size bytes.  A large one is asked to be in huge pages: the tree of a large page is
   some twenty times the page, in memory the process has not touched before, and the system
   then maps it 2 MB at a time rather than 4 KB (parse per MB of a 5 MB page 1.6 -> 1.3 times
   that of a 50 KB page, docs/PERFORMANCE.md). */
static block *new_block(size_t size)
{
	if (size < HUGE_FROM)
		return malloc(sizeof(block) + size);
	size_t whole = (sizeof(block) + size + HUGE - 1) / HUGE * HUGE;
	block *b = aligned_alloc(HUGE, whole);
#ifdef MADV_HUGEPAGE
	if (b)
		madvise(b, whole, MADV_HUGEPAGE);
#endif
	return b;
}

/* n bytes from the region, or NULL when they are to be malloc's */
static void *take(size_t n)
{
	if (!R.on || n > LARGE)
		return NULL;
	size_t size = round_up(n ? n : 1);
	if (size <= SMALL && R.free[size / ALIGN]) {
		unsigned char *p = R.free[size / ALIGN];
		UNPOISON(p, sizeof R.free[0]);
		memcpy(&R.free[size / ALIGN], p, sizeof R.free[0]);
		POISON(p, sizeof R.free[0]);
		set_size(p, n);
		UNPOISON(p, n);
		return p;
	}
	size_t need = HEAD + size;
	block *b = R.head;
	if (!b || b->size - b->used < need) {
		size_t grow = b ? b->size * 2 : FIRST;
		if (R.total + grow > R.max)
			return NULL;
		block *nb = new_block(grow);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->size = grow;
		nb->used = 0;
		POISON(nb->data, grow);
		R.head = b = nb;
		if (!R.first)
			R.first = nb;
		R.total += grow;
	}
	unsigned char *p = b->data + b->used + HEAD;
	b->used += need;
	set_size(p, n);
	UNPOISON(p, n);
	R.last = p;
	return p;
}

/* n bytes of malloc's, kept in the set during a parse */
static void *take_big(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p && R.on && !big_add(p)) {
		free(p);
		return NULL;
	}
	return p;
}

static void *xm_malloc(size_t n)
{
	void *p = take(n);
	return p ? p : take_big(n);
}

static void xm_free(void *p)
{
	if (!p)
		return;
	if (!in_region(p)) {
		big_remove(p);
		free(p);
		return;
	}
	size_t n = size_of(p);
	POISON(p, n);
	if (p == R.last) {	/* the latest allocation: its room is taken again */
		R.head->used = (size_t)(R.last - HEAD - R.head->data);
		R.last = NULL;
		return;
	}
	size_t size = round_up(n ? n : 1);
	if (R.on && size <= SMALL) {
		UNPOISON(p, sizeof R.free[0]);
		memcpy(p, &R.free[size / ALIGN], sizeof R.free[0]);
		POISON(p, sizeof R.free[0]);
		R.free[size / ALIGN] = p;
	}
}

static void *xm_realloc(void *p, size_t n)
{
	if (!p)
		return xm_malloc(n);
	if (!in_region(p)) {
		int kept = R.on && big_remove(p);
		void *q = realloc(p, n ? n : 1);
		if (kept && !big_add(q ? q : p)) {
			free(q ? q : p);
			return NULL;
		}
		return q;
	}
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

int zc_xmlmem_begin(size_t page)
{
	if (!R.installed) {
		/* libxml2's own tables, made once, must not be the region's: made now if they were
		   not yet.  Memory it allocated before this is not the region's: xmlFree passes it
		   to free. */
		xmlInitParser();
		if (xmlMemSetup(xm_free, xm_malloc, xm_realloc, xm_strdup) != 0)
			return 0;
		R.installed = 1;
	}
	R.max = page < REGION_MIN / PER_BYTE ? REGION_MIN : page < SIZE_MAX / 4 / PER_BYTE ? page * PER_BYTE : SIZE_MAX / 4;
	R.on = 1;
	return 1;
}

int zc_xmlmem_active(void)
{
	return R.on;
}

void zc_xmlmem_end(void)
{
	if (!R.on)
		return;
	/* libxml2 keeps a copy of the last error, its strings from the region */
	xmlResetLastError();
	R.on = 0;
	R.last = NULL;
	memset(R.free, 0, sizeof R.free);
	for (size_t i = 0; i < R.capbig; i++)
		if (R.big[i] && R.big[i] != REMOVED)
			free(R.big[i]);
	free(R.big);
	R.big = NULL;
	R.nbig = R.capbig = 0;
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
