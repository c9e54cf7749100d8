/* Fuzz target: the top-candidates report scrubber (§11.4) over any JSON a
 * stored snapshot may hold, and over raw text as a query.  It must not
 * crash, and what it returns must itself be stable: scrubbing a scrubbed
 * value changes nothing more. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "components/sharing/scrub.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *once = sharing_scrub_text(text);
    char *twice = sharing_scrub_text(once);
    FUZZ_CHECK(strcmp(once, twice) == 0);
    free(once);
    free(twice);
    json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (v) {
        json_t *s = sharing_scrub_json(v);
        json_t *s2 = sharing_scrub_json(s);
        FUZZ_CHECK(json_equal(s, s2));
        json_decref(s);
        json_decref(s2);
        json_decref(v);
    }
    free(text);
    return 0;
}
