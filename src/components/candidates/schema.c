/* JSON encoding of a candidate (api-contract §2.4). */
#include "components/candidates/candidates.h"
#include "shared/documents.h"

static json_t *cand_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *cand_time(bool has, int64_t us)
{
    char buf[40];
    return has ? json_string(db_format_time(us, "Z", buf)) : json_null();
}

json_t *candidates_json(mem_arena_t *a, const candidates_candidate_t *c, bool model_path)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)c->id));
    json_object_set_new(j, "email", cand_str(c->email));
    json_object_set_new(j, "full_name", cand_str(c->full_name));
    json_object_set_new(j, "position", cand_str(c->position));
    json_object_set_new(j, "organization_id",
                        c->has_organization ? json_integer((json_int_t)c->organization_id) : json_null());
    json_object_set_new(j, "cv_filename", cand_str(c->cv_filename));
    json_object_set_new(j, "cv_uploaded_at", cand_time(c->has_cv_uploaded_at, c->cv_uploaded_at));
    json_object_set_new(j, "cv_text_preview", model_path ? json_null() : cand_str(documents_preview(a, c->cv_text)));
    json_object_set_new(j, "job_spec_filename", cand_str(c->job_spec_filename));
    json_object_set_new(j, "job_spec_uploaded_at", cand_time(c->has_job_spec_uploaded_at, c->job_spec_uploaded_at));
    json_object_set_new(j, "job_spec_text_preview",
                        model_path ? json_null() : cand_str(documents_preview(a, c->job_spec_text)));
    json_object_set_new(j, "created_at", cand_time(c->has_created_at, c->created_at));
    return j;
}
