/* internal.h - what the files of analysis/ share and nothing else includes */
#ifndef ZC_ANALYSIS_INTERNAL_H
#define ZC_ANALYSIS_INTERNAL_H

#include "analysis.h"

/* Entry i's distinct codes of category and its relations between them (borrowed; NULL when the
   entry lists no such category).  i < zc_analysis_count(a). */
const zc_catcodes *zc_analysis_entry_codes(const zc_analysis *a, size_t i, const char *category);

#endif
