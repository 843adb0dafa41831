/* A REFI-QDA project (coding/qdpx.c: libzip for the archive, libxml2 for project.qde) on any
   bytes: codings mapped to entries by character offsets, or an error saying why. */
#include "coding_fuzz.h"
#include "zc.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *out = NULL;
	char *err = NULL;
	int rc = zc_qdpx_read(fuzz_reference_codebook(), (const char *)data, size, NULL, &out, &err);
	if (rc == ZC_OK) {
		if (!json_is_object(json_object_get(out, "coders")) || !json_is_array(json_object_get(out, "problems")))
			abort();
		json_decref(out);
	}
	fuzz_refusal_says_why(rc, err);
	return 0;
}
