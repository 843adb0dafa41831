/* libFuzzer: charset detection and decoding, dates and document numbers on the decoded text. */
#include <stdint.h>
#include <stdlib.h>

#include "parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL;
	size_t len;
	const char *cs;
	int bad;
	if (zc_charset_decode((const char *)data, size, size && data[0] & 1 ? "text/html; charset=gbk" : NULL, &out, &len,
			      &cs, &bad) == 0) {
		char date[11];
		zc_date_find(out, date);
		char *dn = zc_docno_normalize(out);
		free(dn);
		zc_doc_type(out, out);
	}
	free(out);
	return 0;
}
