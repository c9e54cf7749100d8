/* shared/pynum: Python's round(x, ndigits); expected values are Python
 * 3.11's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "shared/pynum.h"

static void test_round_table(void **state)
{
    static const struct {
        double x;
        int nd;
        double want;
    } cases[] = {
        {2.675, 2, 2.67}, /* the double is just below 2.675 */
        {0.125, 2, 0.12}, /* an exact tie goes to even */
        {0.375, 2, 0.38},
        {2.5, 0, 2.0},
        {3.5, 0, 4.0},
        {7.125, 2, 7.12},
        {1.005, 2, 1.0},
        {123.456, 1, 123.5},
        {8.325, 2, 8.32},
        {5e-324, 2, 0.0},
        {1e300, 2, 1e300},
        {-2.675, 2, -2.67},
        {9.999, 2, 10.0},
        {44.4849, 2, 44.48},
        {1.23456789, 30, 1.23456789},
        {7.5, -1, 8.0}, /* ndigits clamps at 0 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_true(pynum_round(cases[i].x, cases[i].nd) == cases[i].want);
}

static void test_round_edges(void **state)
{
    double z = pynum_round(-0.001, 2);
    assert_true(z == 0.0 && signbit(z)); /* Python gives -0.0 */
    assert_true(isnan(pynum_round(NAN, 2)));
    assert_true(isinf(pynum_round(INFINITY, 2)) && pynum_round(-INFINITY, 2) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_table),
        cmocka_unit_test(test_round_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
