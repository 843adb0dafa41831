/* xmlmem.h - libxml2's memory during one parse, taken from a region given back at once
   (xmlmem.c); inside parser/ only. */
#ifndef ZC_XMLMEM_H
#define ZC_XMLMEM_H

/* From here to zc_xmlmem_end(), libxml2's allocations come from the region.  Nothing libxml2
   allocates in between may be used after zc_xmlmem_end(): the document is freed before it. */
void zc_xmlmem_begin(void);
/* Gives the region back (its first block is kept for the next parse). */
void zc_xmlmem_end(void);

#endif
