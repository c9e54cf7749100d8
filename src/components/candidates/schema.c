/* JSON encoding of a candidate (api-contract §2.4). */
#include "components/candidates/internal.h"
#include "shared/documents.h"

static void cand_time(jsonw_t *w, const char *key, bool has, int64_t us)
{
    char buf[40];
    jsonw_key(w, key);
    jsonw_str(w, has ? db_format_time(us, "Z", buf) : NULL);
}

static void cand_text(jsonw_t *w, const char *key, const char *s)
{
    jsonw_key(w, key);
    jsonw_str(w, s);
}

void candidates_write(jsonw_t *w, mem_arena_t *a, const candidates_candidate_t *c, bool model_path)
{
    jsonw_obj(w);
    jsonw_key(w, "id");
    jsonw_int(w, c->id);
    cand_text(w, "email", c->email);
    cand_text(w, "full_name", c->full_name);
    cand_text(w, "position", c->position);
    cand_text(w, "work_email", c->work_email);
    cand_text(w, "company_name", c->company_name);
    cand_text(w, "company_size", c->company_size);
    cand_text(w, "lead_source", c->lead_source);
    jsonw_key(w, "marketing_consent");
    jsonw_bool(w, c->marketing_consent);
    jsonw_key(w, "organization_id");
    if (c->has_organization)
        jsonw_int(w, c->organization_id);
    else
        jsonw_null(w);
    cand_text(w, "cv_filename", c->cv_filename);
    cand_time(w, "cv_uploaded_at", c->has_cv_uploaded_at, c->cv_uploaded_at);
    cand_text(w, "cv_text_preview", model_path ? NULL : documents_preview(a, c->cv_text));
    cand_text(w, "job_spec_filename", c->job_spec_filename);
    cand_time(w, "job_spec_uploaded_at", c->has_job_spec_uploaded_at, c->job_spec_uploaded_at);
    cand_text(w, "job_spec_text_preview", model_path ? NULL : documents_preview(a, c->job_spec_text));
    cand_time(w, "created_at", c->has_created_at, c->created_at);
    jsonw_obj_end(w);
}

const vld_str_rule_t candidates_search_rule = {.need = VLD_DEFAULTED, .max_length = CAND_SEARCH_MAX};
