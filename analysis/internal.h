/* internal.h - what the files of analysis/ share and nothing else includes */
#ifndef ZC_ANALYSIS_INTERNAL_H
#define ZC_ANALYSIS_INTERNAL_H

#include "analysis.h"

/* Entry i's codes of category (an array, borrowed; NULL when none) and its relations (borrowed);
   returns how many codes.  i < zc_analysis_count(a). */
size_t zc_analysis_entry_codes(const zc_analysis *a, size_t i, const char *category, json_t **codes, json_t **relations);

#endif
