/* SQL on `candidates` (this component's table only).  Only the
 * candidates component's own files include this header. */
#ifndef TALI_COMPONENTS_CANDIDATES_REPO_H
#define TALI_COMPONENTS_CANDIDATES_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "components/candidates/internal.h"

/* Which document columns an upload writes. */
typedef enum { CAND_DOC_CV, CAND_DOC_JOB_SPEC } cand_doc_t;

/* One row by id.  scope NULL means any organisation.  full_texts=false
 * reads only the first 501 characters of cv_text and job_spec_text
 * (enough for the preview).  *found tells whether a row matched. */
/* Names and e-mails of the candidates ids[0..n) in one query (see
 * candidates_contacts). */
err_t cand_repo_contacts(db_t *db, mem_arena_t *a, const int64_t *ids, size_t n, candidates_contact_t *out);

err_t cand_repo_get(db_t *db, mem_arena_t *a, const candidates_scope_t *scope, int64_t id, bool full_texts,
                    candidates_candidate_t *out, bool *found);

/* C1: one page of scope's candidates, newest first, optionally filtered
 * by an ILIKE substring pattern on full_name or email (q NULL = all).
 * Texts are cut to 501 characters.  *items (arena a) and *n receive the
 * page, *total the count before paging. */
err_t cand_repo_list(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *q, int64_t limit, int64_t offset,
                     candidates_candidate_t **items, size_t *n, int64_t *total);

/* The id of scope's candidate with exactly email, or *found=false. */
err_t cand_repo_find_email(db_t *db, candidates_scope_t scope, const char *email, int64_t *id, bool *found);

/* Inserts a candidate (position may be NULL); *id receives its id. */
err_t cand_repo_insert(db_t *db, candidates_scope_t scope, const char *email, const char *full_name,
                       const char *position, int64_t now_us, int64_t *id);

/* C4: writes full_name when set_name and position when set_position (NULL
 * values clear).  *found=false when no row has id. */
err_t cand_repo_update(db_t *db, int64_t id, bool set_name, const char *full_name, bool set_position,
                       const char *position, bool *found);

/* Writes the four columns of one document kind. *found as above. */
err_t cand_repo_set_doc(db_t *db, int64_t id, cand_doc_t doc, const char *url, const char *filename, const char *text,
                        int64_t at_us, bool *found);

/* Deletes the row; *found=false when there was none. */
err_t cand_repo_delete(db_t *db, int64_t id, bool *found);

/* Writes the lead columns lead names on candidate id (*found: the row
 * exists). */
err_t cand_repo_set_lead(db_t *db, mem_arena_t *a, int64_t id, const cand_lead_t *lead, bool *found);

#endif
