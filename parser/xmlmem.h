/* xmlmem.h - libxml2's memory during one parse, taken from a region given back at once
   (xmlmem.c); inside parser/ only. */
#ifndef ZC_XMLMEM_H
#define ZC_XMLMEM_H

#include <stddef.h>

/* From here to zc_xmlmem_end(), libxml2's allocations come from the region, for the parse of
   a page of page bytes.  Nothing libxml2 allocates in between may be used after
   zc_xmlmem_end(), which frees all of it: the document is not freed by xmlFreeDoc.  0 when
   libxml2 would not take the region's allocator (libxml2's memory is malloc's then, and the
   document must be freed by xmlFreeDoc). */
int zc_xmlmem_begin(size_t page);
/* whether libxml2's allocations come from the region now */
int zc_xmlmem_active(void);
/* Gives the region back and everything libxml2 allocated since zc_xmlmem_begin() (its first
   block is kept for the next parse). */
void zc_xmlmem_end(void);

#endif
