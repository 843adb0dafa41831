/* A REFI-QDA project (coding/qdpx.c: libzip for the archive, libxml2 for project.qde) on any
   bytes: codings mapped to entries by character offsets, or an error saying why. */
#include "coding.h"
#include "zc.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static zc_codebook *cb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cb) {
		char *err = NULL;
		if (zc_codebook_load(ZC_SOURCE_DIR "/codebooks/symbiosis.json", &cb, &err) != ZC_OK)
			abort();
	}
	json_t *out = NULL;
	char *err = NULL;
	if (zc_qdpx_read(cb, (const char *)data, size, NULL, &out, &err) == ZC_OK) {
		if (!json_is_object(json_object_get(out, "coders")) || !json_is_array(json_object_get(out, "problems")))
			abort();
		json_decref(out);
	} else if (!err) {
		abort();
	}
	free(err);
	return 0;
}
