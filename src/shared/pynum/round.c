/* pynum_round: Python's correctly rounded round(x, ndigits). */
#include "shared/pynum.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Largest double below which y - floor(y) is computed exactly. */
#define PYNUM_EXACT_FRACTION 4503599627370496.0 /* 2^52 */

double pynum_round(double x, int ndigits)
{
    if (!isfinite(x))
        return x;
    if (ndigits < 0)
        ndigits = 0;
    else if (ndigits > 30)
        ndigits = 30;
    static const double scale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    if (ndigits < (int)(sizeof scale / sizeof scale[0])) {
        double y = x * scale[ndigits];
        if (fabs(y) < PYNUM_EXACT_FRACTION) {
            double whole = floor(y), frac = y - whole;
            /* Far enough from a tie that the product's rounding error
             * (below |y| * 2^-53) cannot change the side: the quotient of
             * the integer by the power of ten is the correctly rounded
             * answer. */
            if (fabs(frac - 0.5) > fabs(y) * 1e-15) {
                double r = (frac < 0.5 ? whole : whole + 1.0) / scale[ndigits];
                return (r == 0.0 && x < 0) ? -0.0 : r;
            }
        }
    }
    /* Near a tie: printf rounds the exact binary value half-even, as
     * Python does, and strtod reads the decimal back. */
    char buf[400];
    snprintf(buf, sizeof buf, "%.*f", ndigits, x);
    return strtod(buf, NULL);
}
