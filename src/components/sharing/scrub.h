/* The scrubber of the top-candidates report viewer (spec v2/hiring-loop.md
 * §11.4): what a report shows is re-scrubbed on every read, so a snapshot
 * stored before a rule existed cannot leak what the rule hides.  Pure
 * functions over jansson values; their own small library, so the fuzz
 * target links it alone. */
#ifndef TALI_COMPONENTS_SHARING_SCRUB_H
#define TALI_COMPONENTS_SHARING_SCRUB_H

#include <jansson.h>
#include <stdbool.h>

/* Deeper than this, a value is replaced by null (the snapshot is ours,
 * but a database row is outside input all the same). */
#define SHARING_SCRUB_MAX_DEPTH 64

/* Whether an object key is dropped: its lower-cased alphanumeric form
 * ends with url/uri/link/href, is one of the session/auth words, or
 * contains a contact or credential word. */
bool sharing_scrub_key_dropped(const char *key);

/* s with URLs, e-mail addresses, bearer credentials, API-key-, JWT- and
 * AWS-key-shaped tokens, `password=...`-style values and phone-like runs
 * redacted.  A new malloc'd string (abort on memory exhaustion). */
char *sharing_scrub_text(const char *s);

/* A scrubbed deep copy of v: dropped keys removed at every depth, every
 * string scrubbed.  New reference (null for NULL). */
json_t *sharing_scrub_json(const json_t *v);

#endif
