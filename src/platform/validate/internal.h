/* Helpers shared by the files of platform/validate; not part of the
 * module's interface. */
#ifndef TALI_PLATFORM_VALIDATE_INTERNAL_H
#define TALI_PLATFORM_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/mem.h"
#include "shared/text.h"

/* Appends the UTF-8 encoding of cp. */
void vld_u8_put(mem_buf_t *b, uint32_t cp);

/* Unicode White_Space (what Python's str.strip() and Rust's trim() drop). */
bool vld_u_is_space(uint32_t cp);

/* Rough Unicode general-category classes, enough for email-validator's
 * "unsafe character" rules. */
typedef enum {
    VLD_UC_OK,    /* letter, number, punctuation, symbol */
    VLD_UC_MARK,  /* combining mark */
    VLD_UC_SPACE, /* Zs */
    VLD_UC_SEP,   /* Zl, Zp */
    VLD_UC_OTHER, /* control, format, private use, noncharacter */
} vld_uclass_t;
vld_uclass_t vld_u_class(uint32_t cp);

/* Python's repr-or-name display of a character as email-validator shows
 * it in messages ("'!'", "SPACE", "U+000A").  Written to out (NUL
 * terminated, truncated to outlen). */
void vld_u_display(uint32_t cp, char *out, size_t outlen);

#endif
