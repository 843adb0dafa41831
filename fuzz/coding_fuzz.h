/*
 * coding_fuzz.h - what the fuzzers of coding/ (fuzz_codebook, fuzz_sheet, fuzz_qdpx) share:
 * the reference study's codebook their inputs are checked against, and the rule that a refusal
 * says why.
 */
#ifndef ZC_CODING_FUZZ_H
#define ZC_CODING_FUZZ_H

#include "coding.h"

/* codebooks/symbiosis.json, loaded on the first call and kept; aborts when it cannot be read */
const zc_codebook *fuzz_reference_codebook(void);
/* after a parse that returned rc: a refusal (rc not ZC_OK) without err saying why aborts; err
   is freed */
void fuzz_refusal_says_why(int rc, char *err);

#endif
