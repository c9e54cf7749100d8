/* candidates: the `candidates` table, the recruiter endpoints C1-C7
 * (api-contract §2.4, C1-C7, §1.12) and what the assessments component
 * needs from candidates (inline candidates of S1, CV text of S5/S6, the
 * candidate object inside assessment JSON).
 *
 * Other components reach candidates only through this header.
 *
 * Deleting a candidate (C5, policy fix 9): assessments reference
 * candidates.id through a foreign key, so the row cannot go while
 * assessments point at it.  The assessments component registers a hook
 * with candidates_set_delete_hook at start-up; candidates_delete runs it
 * in the same transaction, before the DELETE, and the hook sets
 * assessments.candidate_id to NULL.  Without a hook a referenced
 * candidate cannot be deleted (the database refuses; C5 answers 500
 * "Failed to delete candidate") and nothing changes. */
#ifndef TALI_COMPONENTS_CANDIDATES_H
#define TALI_COMPONENTS_CANDIDATES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform/config.h"
#include "platform/db.h"
#include "platform/jsonw.h"
#include "platform/err.h"
#include "platform/http.h"
#include "platform/mem.h"

/* A candidate row.  Strings are owned by the arena given to the call that
 * filled the struct; NULL means SQL NULL.  Times are µs since the epoch,
 * UTC, valid when the matching has_ flag is set. */
typedef struct {
    int64_t id;
    bool has_organization;
    int64_t organization_id;
    const char *email;
    const char *full_name;
    const char *position;
    /* today's lead fields (migration 010, v2 spec §2.12) */
    const char *work_email;
    const char *company_name;
    const char *company_size;
    const char *lead_source;
    bool marketing_consent; /* NULL reads as true */
    const char *cv_filename;
    const char *cv_text;
    bool has_cv_uploaded_at;
    int64_t cv_uploaded_at;
    const char *job_spec_filename;
    const char *job_spec_text;
    bool has_job_spec_uploaded_at;
    int64_t job_spec_uploaded_at;
    bool has_created_at;
    int64_t created_at;
} candidates_candidate_t;

/* The organisation scope of a lookup: the caller's organisation, or "no
 * organisation" (users without one share the candidates whose
 * organization_id is NULL, api-contract §9.15). */
typedef struct {
    bool has_organization;
    int64_t organization_id;
} candidates_scope_t;

/* The candidate id within scope.  ERR_NOT_FOUND when it does not exist or
 * belongs to another organisation; otherwise the database error.  *out's
 * strings live in arena a. */
err_t candidates_get(db_t *db, mem_arena_t *a, candidates_scope_t scope, int64_t id, candidates_candidate_t *out);

/* The candidate id whatever its organisation (for the assessment token
 * flows, where the assessment already proves the scope).  ERR_NOT_FOUND
 * when there is none. */
err_t candidates_get_any(db_t *db, mem_arena_t *a, int64_t id, candidates_candidate_t *out);

/* Who a candidate is, for lists that show many (assessments, billing). */
typedef struct {
    int64_t id;
    bool found;            /* false: no such candidate (deleted) */
    const char *full_name; /* may be NULL */
    const char *email;     /* may be NULL */
} candidates_contact_t;

/* The names and e-mails of the candidates ids[0..n) in one query, in the
 * order of ids (out[i] for ids[i]; duplicates allowed; strings in arena
 * a).  Any organisation: callers pass ids they already scoped.  Returns
 * the database error. */
err_t candidates_contacts(db_t *db, mem_arena_t *a, const int64_t *ids, size_t n, candidates_contact_t *out);

/* The Candidate object of api-contract §2.4, keys in contract order, with
 * today's work_email, company_name, company_size, lead_source and
 * marketing_consent after position (v2 spec §2.12, superset).
 * model_path=true is C2's shape (previews always null); false is the dict
 * path of C1/C3/C4 (previews of the stored texts, "" for empty text, null
 * when never uploaded).  Datetimes are RFC 3339 UTC with "Z" on both paths
 * (policy fix 13).  Written into w (previews are built in arena a). */
void candidates_write(jsonw_t *w, mem_arena_t *a, const candidates_candidate_t *c, bool model_path);

/* S1's inline candidate: the candidate of scope with exactly this
 * (normalised) email, created with full_name when there is none.  When
 * it exists and full_name is non-NULL and non-empty, its full_name is
 * overwritten (as the original did).  *created (may be NULL) tells which
 * happened.  Runs on db as it is, so inside the caller's transaction when
 * there is one.  Returns the database error, if any. */
err_t candidates_find_or_create(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *email,
                                const char *full_name, candidates_candidate_t *out, bool *created);

/* S5/S6: stores a CV uploaded by the candidate on the candidate too:
 * cv_file_url, cv_filename, cv_text (may be "") and cv_uploaded_at.
 * ERR_NOT_FOUND when the candidate does not exist; else the database
 * error. */
err_t candidates_set_cv(db_t *db, int64_t id, const char *file_url, const char *filename, const char *text,
                        int64_t uploaded_at_us);

/* What the delete hook does: detach whatever references candidate_id,
 * on db inside the transaction candidates_delete opened.  A non-OK
 * return rolls the delete back. */
typedef err_t (*candidates_delete_hook_fn)(db_t *db, int64_t candidate_id);

/* Installs fn as the only delete hook (NULL removes every hook).  Call at
 * start-up, before the server serves requests; hooks are read without
 * locking. */
void candidates_set_delete_hook(candidates_delete_hook_fn fn);

/* Adds fn after the hooks installed so far (at most
 * CANDIDATES_DELETE_HOOKS; start-up only).  They run in that order, the
 * first failure stopping the delete. */
#define CANDIDATES_DELETE_HOOKS 4
void candidates_add_delete_hook(candidates_delete_hook_fn fn);

/* Deletes the candidate id of scope: in one transaction, the delete hook
 * (if any) and then the row.  ERR_NOT_FOUND when there is no such
 * candidate in scope; ERR_CONFLICT when something still references it;
 * otherwise the database error. */
err_t candidates_delete(db_t *db, mem_arena_t *a, candidates_scope_t scope, int64_t id);

/* ---- uploads (api-contract §1.12; shared with S5/S6) ---- */

typedef enum {
    CANDIDATES_UPLOAD_CV,       /* doc_type "cv": pdf, docx */
    CANDIDATES_UPLOAD_JOB_SPEC, /* doc_type "job_spec": pdf, docx, txt */
} candidates_upload_kind_t;

typedef struct {
    const char *doc_type; /* "cv" or "job_spec" */
    const char *filename; /* the client's file name, trimmed */
    const char *file_url; /* where it was stored: S3 URL or absolute local path */
    const char *text;     /* extracted text; "" when nothing could be extracted */
    int64_t uploaded_at;  /* the server's now, µs since the epoch, UTC */
} candidates_upload_t;

/* Runs an upload through the rules of §1.12 in the contract's order.
 * file is the "file" part, or NULL when the field came as a plain form
 * field (a part without a filename: the contract's "absent filename";
 * a request with no "file" field at all is the caller's 422).  Checks filename, extension, emptiness and the 5 MiB limit;
 * then stores the file (platform/storage, entity_id names it) and
 * extracts its text (shared/documents; a failed extraction is logged and
 * gives ""; it never fails the upload).  On ERR_BAD_REQUEST *detail is
 * the contract's 400 text.  ERR_UNAVAILABLE, with *detail set, when the
 * disk is full or read-only (a 503); ERR_INTERNAL when the file could not
 * be stored otherwise (callers answer their own 500).  Strings of *out live
 * in arena a.  Once the checks pass, the caller's connection is given back
 * through lease (never held across storage and extraction, which can
 * take seconds); the caller takes one again for its write. */
err_t candidates_process_upload(mem_arena_t *a, const config_t *c, candidates_upload_kind_t kind, int64_t entity_id,
                                const http_file_t *file, const db_lease_t *lease, candidates_upload_t *out,
                                const char **detail);

/* The Workable webhook (repo.c): stores the Workable candidate
 * id (may be NULL) and raw Workable payload (JSON text, may be NULL) on
 * candidate id, on db as it is.  ERR_NOT_FOUND when the candidate does
 * not exist; otherwise the database error. */
err_t candidates_set_workable(db_t *db, int64_t id, const char *workable_candidate_id, const char *workable_data_json);

/* ---- what the applications component needs of people (hiring loop §6) ---- */

/* What an application shows of its person (strings in the caller's
 * arena; NULL = SQL NULL). */
typedef struct {
    int64_t id;
    bool found; /* false: no such candidate */
    bool live;  /* of the organisation asked about and not soft-deleted (§1.6) */
    const char *email;
    const char *full_name;
    const char *position;
    const char *cv_filename;
    bool has_cv_uploaded_at;
    int64_t cv_uploaded_at;
    const char *cv_text; /* only when asked for; else NULL */
} candidates_card_t;

/* The cards of candidates ids[0..n) (duplicates allowed) in one query,
 * out[i] for ids[i]; live tells whether the person is organisation org's
 * and not soft-deleted.  with_cv_text also reads cv_text.  Returns the
 * database error. */
err_t candidates_cards(db_t *db, mem_arena_t *a, int64_t org, const int64_t *ids, size_t n, bool with_cv_text,
                       candidates_card_t *out);

/* A1: the candidate of organisation org with exactly email (any deletion
 * state), created with full_name and position when there is none; an
 * existing one gets full_name / position overwritten when they are
 * non-NULL.  *id receives its id, *created whether it was inserted.  On
 * db as it is (inside the caller's transaction).  Returns the database
 * error. */
err_t candidates_find_or_create_person(db_t *db, int64_t org, const char *email, const char *full_name,
                                       const char *position, int64_t *id, bool *created);

/* A8: writes full_name when set_name and position when set_position on
 * candidate id (shared by all its applications).  ERR_NOT_FOUND when
 * there is no such candidate; else the database error. */
err_t candidates_set_name_position(db_t *db, int64_t id, bool set_name, const char *full_name, bool set_position,
                                   const char *position);

/* The ids of organisation org's soft-deleted candidates (what application
 * lists leave out), in arena a; *n = 0 when none.  One indexed query. */
err_t candidates_hidden_ids(db_t *db, mem_arena_t *a, int64_t org, int64_t **ids, size_t *n);

/* The ids of organisation org's live candidates whose full_name, email or
 * position contains term (case-insensitive), in arena a. */
err_t candidates_search_ids(db_t *db, mem_arena_t *a, int64_t org, const char *term, int64_t **ids, size_t *n);

/* Registers C1-C7 (/api/v1/candidates/...) on s. */
void candidates_register(http_server_t *s);

#endif
