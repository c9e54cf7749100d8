/* pynum: the number semantics of Python that the original's results
 * depend on, for components that must print or store the same values.
 * No state, no allocation. */
#ifndef TALI_SHARED_PYNUM_H
#define TALI_SHARED_PYNUM_H

/* round(x, ndigits) of Python: the exact binary value of x rounded to
 * ndigits decimals (clamped to 0..30), ties to even, read back as the
 * nearest double.  Non-finite x is returned unchanged; a negative x that
 * rounds to zero gives -0.0.  Never fails. */
double pynum_round(double x, int ndigits);

#endif
