/* The codebook reader (coding/codebook.c) on any bytes: a codebook, or an error naming why; and
   the same bytes as a normalisation map (coding/resolve.c) of the reference codebook. */
#include "coding_fuzz.h"
#include "zc.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	zc_codebook *cb = NULL;
	char *err = NULL;
	json_t *map = NULL;
	int rc = zc_normalisation_parse(fuzz_reference_codebook(), (const char *)data, size, "fuzz", &map, &err);
	if (rc == ZC_OK)
		json_decref(map);
	fuzz_refusal_says_why(rc, err);
	err = NULL;
	rc = zc_codebook_parse((const char *)data, size, "fuzz", &cb, &err);
	if (rc == ZC_OK) {
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			zc_codebook_print(cb, f);
			fclose(f);
		}
		/* a cell's values against every category */
		for (size_t i = 0; i < cb->ncats; i++) {
			json_t *v = zc_values_split(cb->cats[i].ncodes ? cb->cats[i].codes[0].code : "x；y");
			char *why = NULL;
			(void)zc_values_check(&cb->cats[i], v, &why);
			free(why);
			json_decref(v);
		}
		zc_codebook_free(&cb);
	}
	fuzz_refusal_says_why(rc, err);	/* every refusal says why */
	return 0;
}
