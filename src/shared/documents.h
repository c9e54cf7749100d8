/* documents: text extraction from uploaded documents (platform-integrations
 * §8.2, §8.4; api-contract §1.12).
 *
 * PDF through poppler-glib, DOCX through libzip + libxml2, TXT as UTF-8
 * with replacement characters.  The result is always well-formed UTF-8
 * without NUL characters (PostgreSQL text cannot hold them), trimmed the
 * way Python's str.strip() trims.
 *
 * PDF and DOCX parsing runs in a forked child process with a wall-clock
 * limit, a CPU limit and an address-space limit, so a hostile document
 * can at worst fail its own extraction: it never crashes, hangs or
 * exhausts the server.  The child writes the text to a pipe.  The parent
 * never calls poppler, GLib, libzip or libxml2 itself, so no lock of
 * those libraries can be held by another thread at fork time.
 *
 * Extraction reports why it failed; the upload endpoints of the contract
 * never fail on extraction and turn every failure into empty text. */
#ifndef TALI_SHARED_DOCUMENTS_H
#define TALI_SHARED_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "platform/mem.h"

typedef enum {
    DOCUMENTS_PDF,
    DOCUMENTS_DOCX,
    DOCUMENTS_TXT,
} documents_kind_t;

typedef enum {
    DOCUMENTS_OK = 0,
    DOCUMENTS_ERR_EMPTY,     /* zero bytes in */
    DOCUMENTS_ERR_ENCRYPTED, /* password-protected PDF or Office file */
    DOCUMENTS_ERR_CORRUPT,   /* not a readable PDF / not a DOCX package */
    DOCUMENTS_ERR_TIMEOUT,   /* the wall-clock or CPU limit was reached */
    DOCUMENTS_ERR_RESOURCES, /* the memory limit was reached */
    DOCUMENTS_ERR_CRASHED,   /* the extractor died on the document */
    DOCUMENTS_ERR_SYSTEM,    /* fork, pipe or wait failed in the server */
} documents_status_t;

/* Limits of one isolated extraction.  Zero fields take the defaults. */
typedef struct {
    long timeout_ms;       /* wall clock; default 10000 */
    size_t memory_bytes;   /* address space of the child; default 512 MiB
                                 (not applied under AddressSanitizer, whose
                                 shadow memory needs far more) */
    size_t max_text_bytes; /* longer text is cut at a character boundary;
                                 default 8 MiB */
} documents_limits_t;

/* Isolated (PDF, DOCX) extractions that may run at once in this process;
 * further ones wait for a slot (up to two minutes, then TIMEOUT). */
#define DOCUMENTS_DEFAULT_CONCURRENCY 4

/* Sets that bound (n > 0; otherwise ignored).  Call once at start-up,
 * before the first extraction: later calls have no effect. */
void documents_set_max_concurrent(int n);

/* A one-line English description of s ("the PDF is encrypted").  Never
 * NULL; static storage. */
const char *documents_status_message(documents_status_t s);

/* The kind for a lower-cased extension ("pdf", "docx", "txt").  Returns
 * false for anything else. */
bool documents_kind_from_ext(const char *ext, documents_kind_t *out);

/* Extracts the text of data[0..len) as kind, with limits (NULL for the
 * defaults).  PDF: the text of each page, pages without text skipped,
 * joined by a blank line.  DOCX: the body-level paragraphs (runs and
 * hyperlink runs; w:tab and w:ptab as tab, w:br and w:cr as newline,
 * w:noBreakHyphen as "-"; table cells, headers and footers excluded),
 * blank paragraphs skipped, joined by a blank line.  TXT: UTF-8 decoded
 * with U+FFFD for each maximal ill-formed subsequence, as Python's
 * errors="replace".  On DOCUMENTS_OK *text receives a heap string (caller
 * frees; possibly "") and *text_len (may be NULL) its length; on failure
 * *text is NULL.  Thread-safe. */
documents_status_t documents_extract(documents_kind_t kind, const void *data, size_t len,
                                     const documents_limits_t *limits, char **text, size_t *text_len);

/* The same extraction without the child process (used inside the child,
 * and by unit tests that want a debugger-friendly path).  Appends the
 * untrimmed, unsanitised text to out.  Not safe against hostile input:
 * call only where a crash or a hang is contained. */
documents_status_t documents_extract_inprocess(documents_kind_t kind, const void *data, size_t len, mem_buf_t *out);

/* What the child of documents_run_isolated runs: appends its output to out
 * and returns a status. */
typedef documents_status_t (*documents_child_fn)(void *ctx, mem_buf_t *out);

/* Runs fn(ctx, out) in a forked child under limits (NULL = defaults) and
 * hands back what it produced: *out (heap, caller frees, NUL-terminated)
 * and *out_len, cut to limits->max_text_bytes.  The child inherits a
 * copy of the caller's memory, so ctx may point at anything.  Returns the
 * child's status, or TIMEOUT / RESOURCES / CRASHED / SYSTEM when the child
 * did not finish normally (then *out is NULL).  Thread-safe. */
documents_status_t documents_run_isolated(documents_child_fn fn, void *ctx, const documents_limits_t *limits,
                                          char **out, size_t *out_len);

/* Decodes s[0..n) as UTF-8 with replacement characters (see above), drops
 * NUL characters, and returns a heap string (caller frees) with its length
 * in *out_len (may be NULL). */
char *documents_utf8_sanitize(const void *s, size_t n, size_t *out_len);

/* The bounds of s[0..n) (valid UTF-8) without the leading and trailing
 * characters Python's str.isspace() accepts: *start and *end are byte
 * offsets with *start <= *end. */
void documents_strip_bounds(const char *s, size_t n, size_t *start, size_t *end);

/* The preview of api-contract §1.12: the first 500 characters of text
 * followed by "..." when text is longer than 500 characters, else text
 * itself.  text must be valid UTF-8; NULL gives NULL.  Owned by arena a. */
char *documents_preview(mem_arena_t *a, const char *text);

#endif
