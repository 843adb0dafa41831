/*
 * The reference study's profile (profiles/reference.json), loaded once for a cmocka group:
 * cmocka_run_group_tests(tests, load_reference, free_reference), then P in the tests.
 * Included by the selection tests only; it defines what it declares.
 */
#ifndef ZC_TEST_REFERENCE_PROFILE_H
#define ZC_TEST_REFERENCE_PROFILE_H

#include <stdlib.h>

#include "select.h"

static zc_profile *P;

static int load_reference(void **state)
{
	(void)state;
	char *err = NULL;
	int rc = zc_profile_load(ZC_SOURCE_DIR "/profiles/reference.json", &P, &err);
	free(err);
	return rc;
}

static int free_reference(void **state)
{
	(void)state;
	zc_profile_free(&P);
	return 0;
}

#endif
