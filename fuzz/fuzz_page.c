/* libFuzzer: the whole parse of an article page (charset, HTML, metadata, outline). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

static const char *const KW[] = {"医联体", "支援"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the first byte picks the Content-Type the page came with */
	static const char *const ctypes[] = {NULL, "text/html", "text/html; charset=utf-8", "text/html; charset=gb2312",
					     "text/html; charset=big5", "text/html; charset=bogus"};
	const char *ct = size ? ctypes[data[0] % 6] : NULL;
	zc_doc *d;
	zc_parse_page((const char *)data, size, "https://www.gov.cn/zhengce/content/a.htm", ct, &d);
	char *js = zc_doc_to_json(d, 0);
	zc_outline_entry *e;
	size_t n;
	zc_entries_split(d->body, KW, 2, &e, &n);
	zc_entries_free(&e, n);
	free(js);
	zc_doc_free(&d);
	return 0;
}
