/* coding_fuzz.c - what the fuzzers of coding/ share (coding_fuzz.h) */
#include "coding_fuzz.h"
#include "zc.h"

#include <stdlib.h>

const zc_codebook *fuzz_reference_codebook(void)
{
	static zc_codebook *cb;
	if (!cb) {
		char *err = NULL;
		if (zc_codebook_load(ZC_SOURCE_DIR "/codebooks/symbiosis.json", &cb, &err) != ZC_OK)
			abort();
	}
	return cb;
}

void fuzz_refusal_says_why(int rc, char *err)
{
	if (rc != ZC_OK && !err)
		abort();
	free(err);
}
