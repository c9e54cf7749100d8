/* Criteria ("chips", §3): the role's chips (C1-C5) and the workspace
 * defaults (O1-O4), with the snapshot / sync / reset semantics of §3.3.
 * No chips are derived from the job spec (the spec allows a port to start
 * with "no derived criteria"): rows of source derived_from_spec are never
 * written here, only left alone. */
#include <string.h>

#include "components/roles/repo.h"

#define ROLES_DERIVED "derived_from_spec"

static bool roles_crit_derived(const json_t *c)
{
    const char *s = roles_row_str(c, "source");
    return s && strcmp(s, ROLES_DERIVED) == 0;
}

static bool roles_crit_is(const json_t *c, const char *source)
{
    const char *s = roles_row_str(c, "source");
    return s && strcmp(s, source) == 0;
}

err_t roles_criteria_json(db_t *db, mem_arena_t *a, int64_t role_id, json_t **array)
{
    json_t *rows = NULL;
    err_t e = roles_repo_criteria(db, a, role_id, &rows);
    if (e != ERR_OK)
        return e;
    *array = roles_keep(a, json_array());
    size_t i;
    json_t *c;
    json_array_foreach(rows, i, c) json_array_append_new(*array, roles_criterion_json(c, 0));
    return ERR_OK;
}

/* The workspace chip's text, bucket, must_have and weight as a set. */
static json_t *roles_crit_copy_of(const json_t *oc)
{
    const char *bucket = roles_row_str(oc, "bucket");
    return json_pack("{sOsOsbsf}", "text", json_object_get(oc, "text"), "bucket", json_object_get(oc, "bucket"),
                     "must_have", bucket && strcmp(bucket, "must") == 0, "weight",
                     json_is_number(json_object_get(oc, "weight")) ? json_number_value(json_object_get(oc, "weight"))
                                                                   : 1.0);
}

/* The live recruiter chip of rows linked to org criterion id, or NULL. */
static json_t *roles_crit_linked(const json_t *rows, int64_t id)
{
    size_t i;
    json_t *c;
    json_array_foreach(rows, i,
                       c) if (roles_row_int(c, "org_criterion_id") == id && roles_crit_is(c, "recruiter")) return c;
    return NULL;
}

err_t roles_criteria_snapshot(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id)
{
    json_t *orgs = NULL, *rows = NULL;
    err_t e = roles_repo_org_criteria(db, a, org, &orgs);
    if (e == ERR_OK)
        e = roles_repo_criteria(db, a, role_id, &rows);
    int64_t now = db_now_us();
    for (size_t i = 0; e == ERR_OK && i < json_array_size(orgs); i++) {
        const json_t *oc = json_array_get(orgs, i);
        json_t *set = roles_keep(a, roles_crit_copy_of(oc));
        json_object_set_new(set, "ordering", json_integer((json_int_t)i));
        json_t *mine = roles_crit_linked(rows, roles_row_int(oc, "id"));
        if (mine && !roles_row_null(mine, "customized_at"))
            continue;
        if (mine) {
            json_object_set_new(set, "updated_at", json_integer(now));
            e = roles_repo_criterion_update(db, a, role_id, roles_row_int(mine, "id"), set);
            continue;
        }
        int64_t id;
        json_object_set_new(set, "source", json_string("recruiter"));
        json_object_set_new(set, "org_criterion_id", json_integer(roles_row_int(oc, "id")));
        json_object_set_new(set, "created_at", json_integer(now));
        e = roles_repo_criterion_add(db, a, role_id, set, &id);
    }
    return e;
}

static err_t roles_criteria_bump(roles_tx_t *t, json_t *set)
{
    return roles_tx_write(t, set, "role_criteria_updated", "job criteria updated", true, NULL);
}

/* The live non-derived chip id of the role, or NULL. */
static err_t roles_crit_find(roles_tx_t *t, int64_t id, json_t **crit)
{
    json_t *rows = NULL;
    *crit = NULL;
    err_t e = roles_repo_criteria(t->db, t->a, t->role_id, &rows);
    if (e != ERR_OK)
        return e;
    size_t i;
    json_t *c;
    json_array_foreach(rows, i, c) if (roles_row_int(c, "id") == id && !roles_crit_derived(c)) *crit = c;
    return ERR_OK;
}

static err_t roles_crit_reread(roles_tx_t *t, int64_t id, json_t **crit)
{
    err_t e = roles_crit_find(t, id, crit);
    return e == ERR_OK && !*crit ? ERR_INTERNAL : e;
}

err_t roles_criteria_add(roles_tx_t *t, const roles_crit_in_t *in, json_t **crit)
{
    json_t *rows = NULL;
    err_t e = roles_repo_criteria(t->db, t->a, t->role_id, &rows);
    if (e != ERR_OK)
        return e;
    long long ordering = 0;
    if (in->has_ordering) {
        ordering = in->ordering;
    } else {
        bool any = false;
        long long max = 0;
        size_t i;
        json_t *c;
        json_array_foreach(rows, i, c) if (!roles_crit_derived(c))
        {
            if (!any || roles_row_int(c, "ordering") > max)
                max = roles_row_int(c, "ordering");
            any = true;
        }
        ordering = any ? max + 1 : 0;
    }
    int64_t now = db_now_us(), id = 0;
    json_t *set = roles_keep(t->a, json_pack("{sssIsfsbssss}", "source", "recruiter", "ordering", (json_int_t)ordering,
                                             "weight", in->has_weight ? in->weight : 1.0, "must_have",
                                             strcmp(in->bucket, "must") == 0, "bucket", in->bucket, "text", in->text));
    json_object_set_new(set, "created_at", json_integer(now));
    e = roles_repo_criterion_add(t->db, t->a, t->role_id, set, &id);
    if (e == ERR_OK)
        e = roles_criteria_bump(t, NULL);
    if (e == ERR_OK)
        e = roles_crit_reread(t, id, crit);
    return e;
}

err_t roles_criteria_edit(roles_tx_t *t, api_out_t *out, int64_t id, const roles_crit_in_t *in, json_t **crit)
{
    json_t *c = NULL;
    err_t e = roles_crit_find(t, id, &c);
    if (e != ERR_OK)
        return e;
    if (!c)
        return api_fail(out, ERR_NOT_FOUND, "Criterion not found");
    int64_t now = db_now_us();
    json_t *set = roles_keep(t->a, json_object());
    bool text_changed = in->text && strcmp(in->text, roles_row_str(c, "text") ? roles_row_str(c, "text") : "") != 0;
    bool bucket_changed =
        in->bucket && strcmp(in->bucket, roles_row_str(c, "bucket") ? roles_row_str(c, "bucket") : "") != 0;
    if (in->text)
        json_object_set_new(set, "text", json_string(in->text));
    if (in->bucket) {
        json_object_set_new(set, "bucket", json_string(in->bucket));
        json_object_set_new(set, "must_have", json_boolean(strcmp(in->bucket, "must") == 0));
    }
    if (in->has_ordering)
        json_object_set_new(set, "ordering", json_integer(in->ordering));
    if (in->has_weight)
        json_object_set_new(set, "weight", json_real(in->weight));
    if ((text_changed || bucket_changed) && !roles_row_null(c, "org_criterion_id"))
        json_object_set_new(set, "customized_at", json_integer(now));
    json_object_set_new(set, "updated_at", json_integer(now));
    e = roles_repo_criterion_update(t->db, t->a, t->role_id, id, set);
    if (e == ERR_OK)
        e = roles_criteria_bump(t, NULL);
    if (e == ERR_OK)
        e = roles_crit_reread(t, id, crit);
    return e;
}

/* suppressed_org_criterion_ids of the row plus id (no duplicates). */
static json_t *roles_suppressed_plus(const json_t *row, int64_t id)
{
    json_t *list = json_array();
    const json_t *cur = json_object_get(row, "suppressed_org_criterion_ids");
    bool have = false;
    size_t i;
    json_t *v;
    json_array_foreach((json_t *)cur, i, v) if (json_is_integer(v))
    {
        json_array_append(list, v);
        have = have || json_integer_value(v) == id;
    }
    if (!have)
        json_array_append_new(list, json_integer(id));
    return list;
}

err_t roles_criteria_remove(roles_tx_t *t, api_out_t *out, int64_t id)
{
    json_t *c = NULL;
    err_t e = roles_crit_find(t, id, &c);
    if (e != ERR_OK)
        return e;
    if (!c)
        return api_fail(out, ERR_NOT_FOUND, "Criterion not found");
    json_t *set = NULL;
    if (!roles_row_null(c, "org_criterion_id"))
        set = roles_keep(t->a, json_pack("{so}", "suppressed_org_criterion_ids",
                                         roles_suppressed_plus(t->row, roles_row_int(c, "org_criterion_id"))));
    e = roles_repo_criterion_delete(t->db, t->role_id, id);
    if (e == ERR_OK)
        e = roles_criteria_bump(t, set);
    return e;
}

static bool roles_suppressed(const json_t *row, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(row, "suppressed_org_criterion_ids"), i,
                       v) if (json_integer_value(v) == id) return true;
    return false;
}

static const json_t *roles_org_live(const json_t *orgs, int64_t id)
{
    size_t i;
    json_t *oc;
    json_array_foreach(orgs, i, oc) if (roles_row_int(oc, "id") == id) return oc;
    return NULL;
}

err_t roles_criteria_sync(roles_tx_t *t)
{
    json_t *orgs = NULL, *rows = NULL;
    err_t e = roles_repo_org_criteria(t->db, t->a, t->org, &orgs);
    if (e == ERR_OK)
        e = roles_repo_criteria(t->db, t->a, t->role_id, &rows);
    int64_t now = db_now_us(), max = -1;
    for (size_t i = 0; e == ERR_OK && i < json_array_size(rows); i++) {
        json_t *c = json_array_get(rows, i);
        if (roles_row_int(c, "ordering") > max)
            max = roles_row_int(c, "ordering");
        if (!roles_crit_is(c, "recruiter") || roles_row_null(c, "org_criterion_id"))
            continue;
        const json_t *oc = roles_org_live(orgs, roles_row_int(c, "org_criterion_id"));
        json_t *set = NULL;
        if (!oc)
            set = roles_keep(t->a, json_pack("{sn}", "org_criterion_id"));
        else if (roles_row_null(c, "customized_at"))
            set = roles_keep(t->a, roles_crit_copy_of(oc));
        if (!set)
            continue;
        json_object_set_new(set, "updated_at", json_integer(now));
        e = roles_repo_criterion_update(t->db, t->a, t->role_id, roles_row_int(c, "id"), set);
    }
    for (size_t i = 0; e == ERR_OK && i < json_array_size(orgs); i++) {
        const json_t *oc = json_array_get(orgs, i);
        int64_t oid = roles_row_int(oc, "id");
        if (roles_crit_linked(rows, oid) || roles_suppressed(t->row, oid))
            continue;
        json_t *set = roles_keep(t->a, roles_crit_copy_of(oc));
        json_object_set_new(set, "source", json_string("recruiter"));
        json_object_set_new(set, "org_criterion_id", json_integer(oid));
        json_object_set_new(set, "ordering", json_integer(++max));
        json_object_set_new(set, "created_at", json_integer(now));
        int64_t id;
        e = roles_repo_criterion_add(t->db, t->a, t->role_id, set, &id);
    }
    if (e == ERR_OK)
        e = roles_criteria_bump(t, NULL);
    return e;
}

err_t roles_criteria_reset(roles_tx_t *t)
{
    err_t e = roles_repo_criteria_clear(t->db, t->role_id);
    if (e == ERR_OK)
        e = roles_criteria_snapshot(t->db, t->a, t->org, t->role_id);
    if (e == ERR_OK)
        e = roles_criteria_bump(t, roles_keep(t->a, json_pack("{s[]}", "suppressed_org_criterion_ids")));
    return e;
}

/* ---- workspace criteria ---- */

err_t roles_org_criteria_list(db_t *db, mem_arena_t *a, int64_t org, json_t **array)
{
    json_t *rows = NULL;
    err_t e = roles_repo_org_criteria(db, a, org, &rows);
    if (e != ERR_OK)
        return e;
    *array = roles_keep(a, json_array());
    size_t i;
    json_t *c;
    json_array_foreach(rows, i, c) json_array_append_new(*array, roles_org_criterion_json(c));
    return ERR_OK;
}

err_t roles_org_criteria_add(db_t *db, mem_arena_t *a, int64_t org, const roles_crit_in_t *in, json_t **crit)
{
    json_t *rows = NULL;
    err_t e = roles_repo_org_criteria(db, a, org, &rows);
    if (e != ERR_OK)
        return e;
    long long ordering = 0;
    if (in->has_ordering) {
        ordering = in->ordering;
    } else {
        size_t i;
        json_t *c;
        bool any = false;
        json_array_foreach(rows, i, c)
        {
            if (!any || roles_row_int(c, "ordering") >= ordering)
                ordering = roles_row_int(c, "ordering") + 1;
            any = true;
        }
    }
    json_t *set = roles_keep(a, json_pack("{sIsfssss}", "ordering", (json_int_t)ordering, "weight",
                                          in->has_weight ? in->weight : 1.0, "bucket", in->bucket, "text", in->text));
    json_object_set_new(set, "created_at", json_integer(db_now_us()));
    int64_t id = 0;
    e = roles_repo_org_criterion_add(db, a, org, set, &id);
    json_t *row = NULL;
    if (e == ERR_OK)
        e = roles_repo_org_criterion(db, a, org, id, &row);
    if (e == ERR_OK && !row)
        e = ERR_INTERNAL;
    if (e == ERR_OK)
        *crit = roles_keep(a, roles_org_criterion_json(row));
    return e;
}

err_t roles_org_criteria_edit(db_t *db, mem_arena_t *a, int64_t org, int64_t id, const roles_crit_in_t *in,
                              json_t **crit)
{
    json_t *row = NULL;
    err_t e = roles_repo_org_criterion(db, a, org, id, &row);
    if (e != ERR_OK)
        return e;
    if (!row)
        return ERR_NOT_FOUND;
    json_t *set = roles_keep(a, json_object());
    if (in->text)
        json_object_set_new(set, "text", json_string(in->text));
    if (in->bucket)
        json_object_set_new(set, "bucket", json_string(in->bucket));
    if (in->has_ordering)
        json_object_set_new(set, "ordering", json_integer(in->ordering));
    if (in->has_weight)
        json_object_set_new(set, "weight", json_real(in->weight));
    json_object_set_new(set, "updated_at", json_integer(db_now_us()));
    e = roles_repo_org_criterion_update(db, a, org, id, set);
    if (e == ERR_OK)
        e = roles_repo_org_criterion(db, a, org, id, &row);
    if (e == ERR_OK && !row)
        e = ERR_INTERNAL;
    if (e == ERR_OK)
        *crit = roles_keep(a, roles_org_criterion_json(row));
    return e;
}

err_t roles_org_criteria_remove(db_t *db, int64_t org, int64_t id)
{
    mem_arena_t *a = mem_arena_new();
    json_t *row = NULL;
    err_t e = roles_repo_org_criterion(db, a, org, id, &row);
    if (e == ERR_OK && !row)
        e = ERR_NOT_FOUND;
    if (e == ERR_OK)
        e = roles_repo_org_criterion_delete(db, org, id, db_now_us());
    mem_arena_free(a);
    return e;
}
