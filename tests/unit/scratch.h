/*
 * scratch.h - a unit test's scratch directory: dir, made afresh under /tmp by scratch_setup
 * (as /tmp/zc-TEST-XXXXXX, TEST the test program's source file) and removed with all it holds
 * by scratch_teardown; both as cmocka's setup and teardown of a group or a test.  Included by
 * the test's one source file (it defines dir).
 */
#ifndef ZC_TEST_SCRATCH_H
#define ZC_TEST_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];

static int scratch_setup(void **state)
{
	(void)state;
	const char *src = strrchr(__BASE_FILE__, '/') ? strrchr(__BASE_FILE__, '/') + 1 : __BASE_FILE__;
	snprintf(dir, sizeof dir, "/tmp/zc-%.*s-XXXXXX", (int)strcspn(src, "."), src);
	return mkdtemp(dir) ? 0 : -1;
}

static int scratch_teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
