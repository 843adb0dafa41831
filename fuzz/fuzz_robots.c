/* libFuzzer: robots.txt parsing and matching. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	zc_robots *r = zc_robots_parse((const char *)data, size, "zhengce");
	zc_robots_allowed(r, "/zwgk/zcwj/202001/t20200102_1.html");
	zc_robots_allowed(r, "/");
	zc_robots_delay(r);
	zc_robots_free(&r);
	return 0;
}
