/*
 * check_main.h — the main() every Check runner shares: run the suite that
 * suite() builds, exit non-zero when a check failed.  Include it last.
 */
#ifndef BESLUT_CHECK_MAIN_H
#define BESLUT_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static Suite *suite(void);

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
