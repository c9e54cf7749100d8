/* fuzz: what every target under tests/fuzz defines and the small helpers
 * they share.  A target is one LLVMFuzzerTestOneInput; it is linked either
 * with libFuzzer (make fuzz, clang) or with replay.c, which feeds it the
 * files of its seed corpus and regression cases (meson test, any compiler).
 * A target must never call exit() or keep state between inputs, and must
 * abort (FUZZ_CHECK) only when the code under test broke a promise of its
 * header. */
#ifndef TALI_TESTS_FUZZ_H
#define TALI_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with the failed condition: libFuzzer then saves the input as a
 * crash, the replay program fails its test. */
#define FUZZ_CHECK(cond)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond);                              \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

/* A cursor over the input that hands out pieces split at a separator
 * byte, so one input can carry several fields (a header and a body, a
 * token and a secret).  The last piece is whatever is left. */
typedef struct {
    const uint8_t *p;
    size_t n;
} fuzz_input_t;

/* The next piece up to (not including) sep, as a fresh NUL-terminated
 * heap string (caller frees); *len (may be NULL) gets its length, which
 * may include NULs when sep is not '\0'. */
static inline char *fuzz_next(fuzz_input_t *in, int sep, size_t *len)
{
    const uint8_t *end = in->n ? memchr(in->p, sep, in->n) : NULL;
    size_t k = end ? (size_t)(end - in->p) : in->n;
    char *s = malloc(k + 1);
    if (!s)
        abort();
    if (k)
        memcpy(s, in->p, k);
    s[k] = '\0';
    if (len)
        *len = k;
    size_t used = end ? k + 1 : k;
    in->p += used;
    in->n -= used;
    return s;
}

#endif
