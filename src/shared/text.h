/* text: the one UTF-8 decoder and encoder, the one lower-casing table and
 * small string helpers, for platform/ and every component alike.  Pure
 * functions over caller-provided memory: nothing here allocates, so it
 * depends on nothing but libc (platform/ builds on it).
 *
 * "Well-formed" UTF-8 is that of RFC 3629: no overlong forms, no
 * surrogates (U+D800-U+DFFF), nothing above U+10FFFF. */
#ifndef TALI_SHARED_TEXT_H
#define TALI_SHARED_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The replacement character U+FFFD and its UTF-8 form. */
#define TEXT_REPLACEMENT 0xFFFDu
#define TEXT_REPLACEMENT_UTF8 "\xEF\xBF\xBD"

/* ---- UTF-8 (utf8.c) ---- */

/* Length (1-4) of the well-formed UTF-8 sequence that starts at s[i]
 * (s holds n bytes, i < n) with its code point in *cp; 0 when s[i] does
 * not start one (*cp is then TEXT_REPLACEMENT). */
size_t utf8_decode(const char *s, size_t n, size_t i, uint32_t *cp);

/* utf8_decode for walking text that may be malformed: a byte that starts
 * no well-formed sequence counts as one character TEXT_REPLACEMENT of
 * length 1, as Python's errors="replace" reads it.  Always >= 1. */
size_t utf8_next(const char *s, size_t n, size_t i, uint32_t *cp);

/* Writes the UTF-8 form of cp (<= U+10FFFF) to out; returns its length
 * (1-4).  out is not NUL-terminated. */
size_t utf8_encode(uint32_t cp, char out[4]);

/* True when s[0..n) is entirely well-formed UTF-8. */
bool utf8_valid(const char *s, size_t n);

/* Characters in s[0..n), reading it as utf8_next does (Python's len() of
 * the text decoded with errors="replace"). */
size_t utf8_count(const char *s, size_t n);

/* Bytes of s[0..n) that hold its first `chars` characters (as utf8_next
 * counts them): the length of Python's text[:chars], never cutting a
 * sequence. */
size_t utf8_prefix(const char *s, size_t n, size_t chars);

/* Bytes utf8_scrub may write for n bytes of input, NUL included. */
#define UTF8_SCRUB_MAX(n) (3 * (n) + 1)

/* Copies s[0..n) to out with each byte that starts no well-formed
 * sequence replaced by U+FFFD; out must hold UTF8_SCRUB_MAX(n) bytes.
 * Returns the length written (out is NUL-terminated). */
size_t utf8_scrub(const char *s, size_t n, char *out);

/* ---- case (lower.c) ---- */

/* The simple lower-case mapping of Unicode (UnicodeData.txt field 13, as
 * Python's str.lower() applies it outside SpecialCasing): glibc's table of
 * the C.UTF-8 locale, ASCII only when that locale is missing.  Code points
 * without a lower-case form are returned unchanged.  Thread-safe. */
uint32_t text_lower_cp(uint32_t cp);

/* Bytes text_lower may write for n bytes of input, NUL included (a
 * mapping grows a character by one byte at most). */
#define TEXT_LOWER_MAX(n) (2 * (n) + 1)

/* Lower-cases s[0..n) into out by text_lower_cp, character by character;
 * bytes that start no well-formed sequence are copied unchanged.  out must
 * hold TEXT_LOWER_MAX(n) bytes.  Returns the length written (out is
 * NUL-terminated). */
size_t text_lower(const char *s, size_t n, char *out);

/* ---- strings (str.c) ---- */

/* True for the ASCII white space of C's isspace in the C locale (space,
 * \t, \n, \v, \f, \r). */
bool text_is_ascii_space(char c);

/* The span of s[0..n) without leading and trailing ASCII white space:
 * returns its start (inside s) and sets *len. */
const char *text_trim_ascii(const char *s, size_t n, size_t *len);

/* Lower-cases the ASCII letters of s in place (other bytes unchanged).
 * Returns s. */
char *text_ascii_lower(char *s);

/* True when s begins with prefix (both NUL-terminated). */
bool text_starts_with(const char *s, const char *prefix);

#endif
