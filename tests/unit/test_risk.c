/* test_risk: being written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

int
main(void)
{
	const struct CMUnitTest tests[] = {0};
	(void)tests;
	return 0;
}
