/* Declarations shared by the candidates component's own files. */
#ifndef TALI_COMPONENTS_CANDIDATES_INTERNAL_H
#define TALI_COMPONENTS_CANDIDATES_INTERNAL_H

#include <stddef.h>

#include "components/candidates/candidates.h"
#include "platform/validate.h"

/* C1's search text q: optional, at most CAND_SEARCH_MAX characters.  The
 * bound is the longest value the search can match: an e-mail address
 * (email-validator refuses more than 254 characters; names and positions
 * stop at 200), so a longer q finds nothing by definition.  Unbounded, a
 * long q broke SQLite's LIKE pattern limit (50,000 bytes) with a 500. */
#define CAND_SEARCH_MAX 254
extern const vld_str_rule_t candidates_search_rule;

/* C1: one page of scope's candidates (texts cut to the preview's needs). */
err_t cand_svc_list(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *q, int64_t limit, int64_t offset,
                    candidates_candidate_t **items, size_t *n, int64_t *total);

/* Today's lead fields of a C2/C4 body: each with whether the body named
 * it (set_*) and its value (NULL for null).  marketing_consent null or
 * absent on C2 is true. */
typedef struct {
    bool set_work_email, set_company_name, set_company_size, set_lead_source, set_marketing_consent;
    const char *work_email, *company_name, *company_size, *lead_source;
    bool marketing_consent;
} cand_lead_t;

/* C2: a new candidate.  ERR_CONFLICT when scope already has one with
 * exactly this email; otherwise the database error. */
err_t cand_svc_create(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *email, const char *full_name,
                      const char *position, const cand_lead_t *lead, candidates_candidate_t *out);

/* C4: applies the present keys (lead may be NULL), then reads the row
 * back.  ERR_NOT_FOUND when id is not scope's. */
err_t cand_svc_update(db_t *db, mem_arena_t *a, candidates_scope_t scope, int64_t id, bool set_name,
                      const char *full_name, bool set_position, const char *position, const cand_lead_t *lead,
                      candidates_candidate_t *out);

/* C6/C7 after the upload was processed: writes the document columns.
 * ERR_NOT_FOUND when the candidate vanished meanwhile. */
err_t cand_svc_store_document(db_t *db, int64_t id, candidates_upload_kind_t kind, const candidates_upload_t *up);

#endif
