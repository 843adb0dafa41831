/* A filled coder's sheet (coding/table.c, coding/import.c) on any bytes: XLSX (zip + XML) when
   it starts as a zip, else CSV; rows checked against the reference study's codebook. */
#include "coding_fuzz.h"
#include "zc.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	zc_import_parsed *p = NULL;
	char *err = NULL;
	int rc = zc_import_table(fuzz_reference_codebook(), (const char *)data, size, &p, &err);
	if (rc == ZC_OK) {
		for (size_t i = 0; i < zc_import_parsed_count(p); i++) {
			const char *entry;
			long row;
			const zc_coding *rec = zc_import_parsed_get(p, i, &entry, &row);
			if (!rec || !entry || row < 2)
				abort();
		}
		zc_import_parsed_free(&p);
	}
	fuzz_refusal_says_why(rc, err);	/* a refused file says why */
	return 0;
}
