/* The fixture reaches every state through real transitions: the base the
 * per-state tests stand on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fixture.h"

static void reach(tcps_state st, bool active)
{
	tcpt_fx fx;
	tcpt_setup(&fx, st, active, NULL);
	tcpt_expect_state(&fx, st);
	tcpt_expect_nothing(&fx);
	tcpt_teardown(&fx);
}

static void test_every_state_reachable_passive(void **state)
{
	(void)state;
	for (int s = 0; s < TCPS_NSTATES; s++)
		reach((tcps_state)s, false);
}

static void test_every_state_reachable_active(void **state)
{
	(void)state;
	for (int s = TCPS_SYN_SENT; s < TCPS_NSTATES; s++)
		reach((tcps_state)s, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_state_reachable_passive),
		cmocka_unit_test(test_every_state_reachable_active),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
