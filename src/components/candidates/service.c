/* candidates: business logic over repo.c, and the upload pipeline of
 * api-contract §1.12 (rules, storage, text extraction). */
#include <stdlib.h>
#include <string.h>

#include "components/candidates/internal.h"
#include "components/candidates/repo.h"
#include "platform/log.h"
#include "platform/storage.h"
#include "shared/documents.h"

#define CAND_LOG "tali.candidates"
#define CAND_MAX_UPLOAD ((size_t)5 * 1024 * 1024)

/* Set once at start-up (see candidates.h), read by request threads. */
static candidates_delete_hook_fn cand_delete_hooks[CANDIDATES_DELETE_HOOKS];
static size_t cand_delete_nhooks;

void candidates_set_delete_hook(candidates_delete_hook_fn fn)
{
    cand_delete_nhooks = 0;
    if (fn)
        candidates_add_delete_hook(fn);
}

void candidates_add_delete_hook(candidates_delete_hook_fn fn)
{
    if (fn && cand_delete_nhooks < CANDIDATES_DELETE_HOOKS)
        cand_delete_hooks[cand_delete_nhooks++] = fn;
}

static err_t cand_run_delete_hooks(db_t *db, int64_t id)
{
    err_t e = ERR_OK;
    for (size_t i = 0; i < cand_delete_nhooks && e == ERR_OK; i++)
        e = cand_delete_hooks[i](db, id);
    return e;
}

err_t candidates_get(db_t *db, mem_arena_t *a, candidates_scope_t scope, int64_t id, candidates_candidate_t *out)
{
    bool found = false;
    err_t e = cand_repo_get(db, a, &scope, id, true, out, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t candidates_get_any(db_t *db, mem_arena_t *a, int64_t id, candidates_candidate_t *out)
{
    bool found = false;
    err_t e = cand_repo_get(db, a, NULL, id, true, out, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t candidates_contacts(db_t *db, mem_arena_t *a, const int64_t *ids, size_t n, candidates_contact_t *out)
{
    return cand_repo_contacts(db, a, ids, n, out);
}

err_t candidates_find_or_create(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *email,
                                const char *full_name, candidates_candidate_t *out, bool *created)
{
    int64_t id = 0;
    bool found = false;
    err_t e = cand_repo_find_email(db, scope, email, &id, &found);
    if (e != ERR_OK)
        return e;
    if (found) {
        if (full_name && *full_name) {
            bool ok = false;
            e = cand_repo_update(db, id, true, full_name, false, NULL, &ok);
            if (e != ERR_OK)
                return e;
        }
    } else {
        e = cand_repo_insert(db, scope, email, full_name && *full_name ? full_name : NULL, NULL, db_now_us(), &id);
        if (e != ERR_OK)
            return e;
    }
    if (created)
        *created = !found;
    bool again = false;
    e = cand_repo_get(db, a, NULL, id, true, out, &again);
    if (e != ERR_OK)
        return e;
    return again ? ERR_OK : ERR_INTERNAL;
}

err_t candidates_set_cv(db_t *db, int64_t id, const char *file_url, const char *filename, const char *text,
                        int64_t uploaded_at_us)
{
    bool found = false;
    err_t e = cand_repo_set_doc(db, id, CAND_DOC_CV, file_url, filename, text, uploaded_at_us, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t candidates_delete(db_t *db, mem_arena_t *a, candidates_scope_t scope, int64_t id)
{
    err_t e = db_begin(db);
    if (e != ERR_OK)
        return e;
    candidates_candidate_t c;
    bool found = false;
    e = cand_repo_get(db, a, &scope, id, false, &c, &found);
    if (e == ERR_OK && !found)
        e = ERR_NOT_FOUND;
    if (e == ERR_OK)
        e = cand_run_delete_hooks(db, id);
    if (e == ERR_OK) {
        e = cand_repo_delete(db, id, &found);
        if (e == ERR_OK && !found)
            e = ERR_NOT_FOUND;
    }
    if (e == ERR_OK)
        e = db_commit(db);
    if (e != ERR_OK)
        db_rollback(db);
    return e;
}

err_t cand_svc_list(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *q, int64_t limit, int64_t offset,
                    candidates_candidate_t **items, size_t *n, int64_t *total)
{
    return cand_repo_list(db, a, scope, q && *q ? q : NULL, limit, offset, items, n, total);
}

/* The insert and its lead fields in one transaction. */
static err_t cand_svc_insert(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *email,
                             const char *full_name, const char *position, const cand_lead_t *lead, int64_t *id)
{
    err_t e = db_begin(db);
    if (e != ERR_OK)
        return e;
    e = cand_repo_insert(db, scope, email, full_name, position, db_now_us(), id);
    bool found = false;
    if (e == ERR_OK && lead)
        e = cand_repo_set_lead(db, a, *id, lead, &found);
    if (e == ERR_OK)
        return db_commit(db);
    db_rollback(db);
    return e;
}

err_t cand_svc_create(db_t *db, mem_arena_t *a, candidates_scope_t scope, const char *email, const char *full_name,
                      const char *position, const cand_lead_t *lead, candidates_candidate_t *out)
{
    int64_t id = 0;
    bool found = false;
    err_t e = cand_repo_find_email(db, scope, email, &id, &found);
    if (e != ERR_OK)
        return e;
    if (found)
        return ERR_CONFLICT;
    e = cand_svc_insert(db, a, scope, email, full_name, position, lead, &id);
    if (e != ERR_OK)
        return e;
    bool again = false;
    e = cand_repo_get(db, a, NULL, id, false, out, &again);
    if (e != ERR_OK)
        return e;
    return again ? ERR_OK : ERR_INTERNAL;
}

static bool cand_lead_any(const cand_lead_t *l)
{
    return l && (l->set_work_email || l->set_company_name || l->set_company_size || l->set_lead_source ||
                 l->set_marketing_consent);
}

err_t cand_svc_update(db_t *db, mem_arena_t *a, candidates_scope_t scope, int64_t id, bool set_name,
                      const char *full_name, bool set_position, const char *position, const cand_lead_t *lead,
                      candidates_candidate_t *out)
{
    bool found = false;
    err_t e = cand_repo_get(db, a, &scope, id, false, out, &found);
    if (e != ERR_OK)
        return e;
    if (!found)
        return ERR_NOT_FOUND;
    if (set_name || set_position || cand_lead_any(lead)) {
        e = cand_repo_update(db, id, set_name, full_name, set_position, position, &found);
        if (e == ERR_OK && found && cand_lead_any(lead))
            e = cand_repo_set_lead(db, a, id, lead, &found);
        if (e != ERR_OK)
            return e;
        if (!found)
            return ERR_NOT_FOUND;
        e = cand_repo_get(db, a, &scope, id, false, out, &found);
        if (e != ERR_OK)
            return e;
        if (!found)
            return ERR_NOT_FOUND;
    }
    return ERR_OK;
}

err_t cand_svc_store_document(db_t *db, int64_t id, candidates_upload_kind_t kind, const candidates_upload_t *up)
{
    bool found = false;
    err_t e = cand_repo_set_doc(db, id, kind == CANDIDATES_UPLOAD_CV ? CAND_DOC_CV : CAND_DOC_JOB_SPEC, up->file_url,
                                up->filename, up->text, up->uploaded_at, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

/* ---- uploads ---- */

/* The extension rule of §1.12: the text after the last '.', lower-cased
 * (ASCII; no allowed extension has other letters); "" without a dot. */
static char *cand_ext(mem_arena_t *a, const char *filename)
{
    const char *dot = strrchr(filename, '.');
    char *ext = mem_strdup(a, dot ? dot + 1 : "");
    for (char *p = ext; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return ext;
}

err_t candidates_process_upload(mem_arena_t *a, const config_t *c, candidates_upload_kind_t kind, int64_t entity_id,
                                const http_file_t *file, const db_lease_t *lease, candidates_upload_t *out,
                                const char **detail)
{
    memset(out, 0, sizeof *out);
    *detail = NULL;
    out->doc_type = kind == CANDIDATES_UPLOAD_CV ? "cv" : "job_spec";

    /* 1. filename (trimmed as Python's str.strip) */
    const char *raw = file && file->filename ? file->filename : "";
    size_t clean_len;
    char *clean = documents_utf8_sanitize(raw, strlen(raw), &clean_len);
    size_t s, e;
    documents_strip_bounds(clean, clean_len, &s, &e);
    const char *filename = mem_strndup(a, clean + s, e - s);
    free(clean);
    if (!*filename) {
        *detail = "Filename is required";
        return ERR_BAD_REQUEST;
    }
    /* 2. extension */
    const char *ext = cand_ext(a, filename);
    documents_kind_t dk;
    bool allowed = documents_kind_from_ext(ext, &dk) && (kind == CANDIDATES_UPLOAD_JOB_SPEC || dk != DOCUMENTS_TXT);
    if (!allowed) {
        *detail =
            kind == CANDIDATES_UPLOAD_CV ? "Only DOCX, PDF files are allowed" : "Only DOCX, PDF, TXT files are allowed";
        return ERR_BAD_REQUEST;
    }
    /* 3. and 4. size */
    if (file->len == 0) {
        *detail = "Uploaded file is empty";
        return ERR_BAD_REQUEST;
    }
    if (file->len > CAND_MAX_UPLOAD) {
        *detail = "File must be 5MB or smaller";
        return ERR_BAD_REQUEST;
    }

    lease->give_back(lease->ctx);
    int64_t now = db_now_us();
    storage_object_t obj = {.doc_type = out->doc_type,
                            .entity_id = entity_id,
                            .filename = filename,
                            .ext = ext,
                            .data = file->data,
                            .len = file->len,
                            .now_s = now / 1000000};
    char *location = NULL;
    err_t se = storage_save(c, &obj, &location);
    if (se == ERR_UNAVAILABLE)
        *detail = STORAGE_FULL_DETAIL;
    if (se != ERR_OK)
        return se == ERR_UNAVAILABLE ? se : ERR_INTERNAL;
    out->file_url = mem_strdup(a, location);
    free(location);

    char *text = NULL;
    documents_status_t ds = documents_extract(dk, file->data, file->len, NULL, &text, NULL);
    if (ds != DOCUMENTS_OK) {
        log_info(CAND_LOG, "no text from %s upload for %lld: %s", out->doc_type, (long long)entity_id,
                 documents_status_message(ds));
        out->text = "";
    } else {
        out->text = mem_strdup(a, text);
    }
    free(text);
    out->filename = filename;
    out->uploaded_at = now;
    return ERR_OK;
}
