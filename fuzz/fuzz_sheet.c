/* A filled coder's sheet (coding/table.c, coding/import.c) on any bytes: XLSX (zip + XML) when
   it starts as a zip, else CSV; rows checked against the reference study's codebook. */
#include "coding.h"
#include "zc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static zc_codebook *cb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cb) {
		char *err = NULL;
		if (zc_codebook_load(ZC_SOURCE_DIR "/codebooks/symbiosis.json", &cb, &err) != ZC_OK)
			abort();
	}
	zc_import_parsed *p = NULL;
	char *err = NULL;
	if (zc_import_table(cb, (const char *)data, size, &p, &err) == ZC_OK) {
		for (size_t i = 0; i < zc_import_parsed_count(p); i++) {
			const char *entry;
			long row;
			const zc_coding *rec = zc_import_parsed_get(p, i, &entry, &row);
			if (!rec || !entry || row < 2)
				abort();
		}
		zc_import_parsed_free(&p);
	} else if (!err) {
		abort();	/* a refused file says why */
	}
	free(err);
	return 0;
}
