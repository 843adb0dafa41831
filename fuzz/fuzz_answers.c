/* libFuzzer: search answers and list pages in every family's format. */
#include <stdint.h>
#include <stdlib.h>

#include "crawler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *answers[] = {"govcn-json", "hanweb-json", "trs-was5", "jpage-xml", "html-list"};
	for (int i = 0; i < 5; i++) {
		zc_endpoint ep = {0};
		ep.answer = answers[i];
		ep.page_size = 20;
		ep.items = "//a/@href";
		ep.pages = "共(\\d+)页";
		zc_links l;
		if (zc_answer_parse(&ep, "https://www.zj.gov.cn/col/col1/index.html", (const char *)data, size, NULL, &l) == 0)
			zc_links_free(&l);
	}
	return 0;
}
