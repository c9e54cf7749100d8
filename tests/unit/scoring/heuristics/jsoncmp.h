/* jsoncmp: strict JSON comparison for the scoring tests.  Same keys in the
 * same order, same strings, ints equal as ints, reals equal as doubles,
 * and an int never equals a real (the original's int/float typing is part
 * of the output). */
#ifndef TALI_TESTS_SCORING_JSONCMP_H
#define TALI_TESTS_SCORING_JSONCMP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether a and b are equal as described above.  On a difference, path
 * (pathlen bytes) receives the location of the first one ("$.a[2].b"). */
bool jsoncmp_equal(const json_t *a, const json_t *b, char *path, size_t pathlen);

/* Whether the keys of obj are exactly the NULL-terminated list keys, in
 * that order. */
bool jsoncmp_key_order(const json_t *obj, const char *const *keys);

#endif
