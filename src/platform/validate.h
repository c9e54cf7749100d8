/* validate: input validation that reproduces what FastAPI + pydantic v2
 * (lax mode) and email-validator 2.x did for the original service, down to
 * the 422 list entries (api-contract §1.2, §1.3, §1.10).
 *
 * Every check appends its problems to a vld_t: a JSON array of error
 * objects {"type","loc","msg","input","ctx"?} in that key order.  The
 * array is independent of the HTTP layer; a handler hands it over with
 * vld_take() and the HTTP layer wraps it as {"detail": [...]}.
 *
 * Field checks share one shape:
 *   bool vld_X(vld_t *v, const char *src, const json_t *obj,
 *              const char *field, <rule>, <out>)
 * src is the first loc element ("body", "query", "path", "header"), obj
 * the enclosing JSON object (its value is the "input" of a "missing"
 * entry), field the key.  They return true when the value is acceptable
 * (including an absent optional field) and false after appending exactly
 * one error entry (lists may append one per bad item).  The out-parameter
 * is written only on success.  No function here aborts except on
 * allocation failure. */
#ifndef TALI_PLATFORM_VALIDATE_H
#define TALI_PLATFORM_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "platform/mem.h"

/* ---- the error list ---- */

typedef struct {
    json_t *errors;     /* JSON array of error objects (owned) */
    mem_arena_t *arena; /* where normalised strings (e-mails) are kept */
} vld_t;

/* Starts an empty list.  arena (may be NULL when no e-mail field is
 * validated) owns the normalised strings that vld_email hands out. */
void vld_init(vld_t *v, mem_arena_t *arena);

/* Releases the list (whatever vld_take has not taken).  Safe to call
 * twice. */
void vld_free(vld_t *v);

/* Appends {"type","loc","msg","input","ctx"}.  loc, input and ctx are new
 * references that the list takes over; input NULL means JSON null, ctx
 * NULL means the entry has no ctx key. */
void vld_add(vld_t *v, const char *type, json_t *loc, const char *msg, json_t *input, json_t *ctx);

/* true when at least one error has been appended. */
bool vld_any(const vld_t *v);

/* Number of error entries. */
size_t vld_count(const vld_t *v);

/* Hands over the array (a new reference the caller owns) and leaves v
 * with a fresh empty list. */
json_t *vld_take(vld_t *v);

/* [src, field] and [src, field, index] as new JSON arrays. */
json_t *vld_loc(const char *src, const char *field);
json_t *vld_loc_index(const char *src, const char *field, size_t index);

/* Appends the "missing" entry: loc [src, field], msg "Field required",
 * input = a copy of enclosing (JSON null when enclosing is NULL). */
void vld_missing(vld_t *v, const char *src, const char *field, const json_t *enclosing);

/* ---- how a field may be absent or null ---- */

typedef enum {
    VLD_REQUIRED = 0,      /* absent -> "missing"; null -> type error */
    VLD_DEFAULTED,         /* absent -> VLD_ABSENT (caller applies the default); null -> type error */
    VLD_OPTIONAL,          /* Optional[X] = None: absent -> VLD_ABSENT, null -> VLD_NULL */
    VLD_REQUIRED_NULLABLE, /* Optional[X] without default: absent -> missing, null -> VLD_NULL */
} vld_need_t;

typedef enum {
    VLD_ABSENT = 0, /* key not in the object (or query item not sent) */
    VLD_NULL,       /* key present with JSON null */
    VLD_SET,        /* a valid value */
} vld_presence_t;

/* ---- strings ---- */

typedef struct {
    vld_need_t need;
    size_t min_length;   /* in code points; 0 = no minimum */
    size_t max_length;   /* in code points; 0 = no maximum */
    const char *pattern; /* PCRE2 pattern searched anywhere in the value
                             (pydantic's semantics); NULL = none */
} vld_str_rule_t;

typedef struct {
    vld_presence_t presence;
    const char *value; /* borrowed from the input (or the arena for e-mails) */
    size_t len;        /* bytes; the value may hold NUL bytes */
} vld_str_t;

/* A str field (lax mode still rejects numbers: string_type).  Length
 * rules give string_too_short / string_too_long with ctx {"min_length":n}
 * / {"max_length":n}; the pattern gives string_pattern_mismatch with ctx
 * {"pattern":p}.  Strings that are not valid UTF-8 are string_type. */
bool vld_str(vld_t *v, const char *src, const json_t *obj, const char *field, const vld_str_rule_t *rule,
             vld_str_t *out);

/* The same rules applied to a value that is already at hand (list items,
 * query values turned into JSON).  loc is taken over. */
bool vld_str_value(vld_t *v, json_t *loc, const json_t *value, const vld_str_rule_t *rule, vld_str_t *out);

/* ---- numbers and booleans (lax) ---- */

typedef struct {
    vld_need_t need;
    bool has_ge, has_gt, has_le, has_lt;
    long long ge, gt, le, lt;
} vld_int_rule_t;

typedef struct {
    vld_presence_t presence;
    long long value;
} vld_int_t;

/* An int field: JSON ints; floats with no fractional part (3.0);
 * true/false as 1/0; strings holding an integer (surrounding whitespace,
 * "3.00", "1_000" accepted).  Errors: int_from_float, int_parsing,
 * int_parsing_size, int_type, then the bounds (greater_than_equal,
 * greater_than, less_than_equal, less_than, with ctx {"ge":n} etc.).
 * Integers beyond 64 bits (which Python accepts) are clamped to the
 * long long range before the bounds are checked. */
bool vld_int(vld_t *v, const char *src, const json_t *obj, const char *field, const vld_int_rule_t *rule,
             vld_int_t *out);
bool vld_int_value(vld_t *v, json_t *loc, const json_t *value, const vld_int_rule_t *rule, vld_int_t *out);

typedef struct {
    vld_presence_t presence;
    double value;
} vld_float_t;

/* A float field: numbers, true/false, numeric strings (Rust float syntax:
 * "1.5", " 2 ", "1e3", "inf", "nan").  Errors float_parsing, float_type. */
bool vld_float(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_float_t *out);

typedef struct {
    vld_presence_t presence;
    bool value;
} vld_bool_t;

/* A bool field: true/false; ints 0/1; floats 0.0/1.0; the strings
 * 0/1/f/t/n/y/no/yes/on/off/false/true (any case).  Other ints, floats
 * and strings are bool_parsing; anything else bool_type. */
bool vld_bool(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_bool_t *out);

/* ---- containers ---- */

typedef struct {
    vld_presence_t presence;
    const json_t *value; /* borrowed from obj */
} vld_json_t;

/* A dict field (any JSON object): dict_type otherwise. */
bool vld_dict(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_json_t *out);

/* A list field (any JSON array): list_type otherwise. */
bool vld_list(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_json_t *out);

/* A list of str: list_type for a non-array; string_type for each item
 * that is not a string, with loc [src, field, index]. */
bool vld_list_str(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_json_t *out);

/* The request body must be a JSON object (pydantic model):
 * model_attributes_type at loc ["body"] otherwise.  body NULL means the
 * body was already reported (missing or json_invalid): returns false and
 * adds nothing. */
bool vld_body_object(vld_t *v, const json_t *body);

/* ---- e-mail (pydantic EmailStr over email-validator 2.x, no DNS) ---- */

/* Validates and normalises an address the way EmailStr did: a
 * "Name <addr>" form is reduced to addr, surrounding whitespace is
 * stripped, the domain is lower-cased (ASCII letters and the Latin,
 * Greek and Cyrillic capitals; no full Unicode case folding or NFC), an
 * ASCII punycode domain is shown in Unicode, RFC 2142 role mailboxes
 * (info, support, postmaster, ...) are lower-cased, and the local part is
 * otherwise kept.  Returns a heap string the caller frees, or NULL with
 * *reason set to a heap string (caller frees) holding email-validator's
 * message, e.g. "An email address must have an @-sign.".  s need not be
 * NUL-terminated; n is its length in bytes. */
char *vld_email_normalize(const char *s, size_t n, char **reason);

/* An EmailStr field.  Non-strings are string_type; a bad address is
 * value_error with msg "value is not a valid email address: <reason>" and
 * ctx {"reason": <reason>}.  On success out->value is the normalised
 * address, owned by v->arena (which must be set). */
bool vld_email(vld_t *v, const char *src, const json_t *obj, const char *field, vld_need_t need, vld_str_t *out);

/* ---- query, path and form values (raw strings) ---- */

/* raw is the decoded value or NULL when the item was not sent.  For
 * src "body" (form fields) an empty string counts as not sent, as FastAPI
 * did for Form parameters.  A missing item's input is JSON null; a bad
 * value's input is the raw string.  A query value that is not UTF-8 is
 * string_unicode (its input with U+FFFD for the bad bytes); a form value
 * reads as U+FFFD for them (Starlette's decoding), and vld_raw_str's
 * out->value is that text (in v->arena; raw itself when v has none). */
bool vld_raw_str(vld_t *v, const char *src, const char *name, const char *raw, const vld_str_rule_t *rule,
                 vld_str_t *out);
bool vld_raw_int(vld_t *v, const char *src, const char *name, const char *raw, const vld_int_rule_t *rule,
                 vld_int_t *out);
bool vld_raw_bool(vld_t *v, const char *src, const char *name, const char *raw, vld_need_t need, vld_bool_t *out);

/* Pagination query pair (§1.10): limit default 50, 1 <= limit <= 100;
 * offset default 0, offset >= 0.  raw values may be NULL.  Errors go to
 * v with loc ["query","limit"] / ["query","offset"]; both are checked.
 * Returns true when both are valid. */
bool vld_page(vld_t *v, const char *limit_raw, const char *offset_raw, long long *limit, long long *offset);

/* ---- UTF-8 ---- */

/* true when s[0..n) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
bool vld_utf8_valid(const char *s, size_t n);

/* Number of code points in s[0..n) as Python's len() counts them.
 * Malformed bytes count one each; never reads past n. */
size_t vld_utf8_len(const char *s, size_t n);

/* ---- the bridge to the HTTP layer ---- */
#include "platform/http.h"

/* Appends every problem recorded in v to the request's 422 list hv (v is
 * left empty). */
void vld_move_to(vld_t *v, http_verr_t *hv);

/* vld_move_to, releases v, then replies 422 with hv when it holds any
 * problem.  Returns true when it replied (the handler returns). */
bool vld_reply_if_invalid(http_req_t *req, http_verr_t *hv, vld_t *v);

#endif
