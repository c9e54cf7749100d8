/* The per-job permission matrix of §1.2 and the role reference other
 * components read; the hooks main.c installs. */
#include <string.h>

#include "components/roles/access_repo.h"
#include "components/roles/internal.h"

roles_stats_fn roles_stats_hook;
roles_usage_fn roles_applications_hook;
roles_usage_fn roles_assessments_hook;

void roles_set_stats_hook(roles_stats_fn fn)
{
    roles_stats_hook = fn;
}

void roles_set_usage_hooks(roles_usage_fn applications, roles_usage_fn assessments)
{
    roles_applications_hook = applications;
    roles_assessments_hook = assessments;
}

/* Whether a hiring-team role grants perm (the table of §1.2). */
static bool roles_team_grants(const char *team_role, roles_perm_t perm)
{
    if (!team_role)
        return false;
    bool manager = strcmp(team_role, "hiring_manager") == 0;
    bool recruiter = strcmp(team_role, "recruiter") == 0;
    switch (perm) {
    case ROLES_PERM_VIEW: return true;
    case ROLES_PERM_EDIT_ROLE:
    case ROLES_PERM_CONTROL_AGENT: return manager || recruiter;
    case ROLES_PERM_MANAGE_HIRING_TEAM:
    case ROLES_PERM_DELETE_ROLE: return manager;
    }
    return false;
}

err_t roles_authorize(db_t *db, mem_arena_t *a, const auth_user_t *u, int64_t role_id, roles_perm_t perm,
                      roles_ref_t *out)
{
    if (!u->has_organization || !u->is_active)
        return ERR_FORBIDDEN;
    bool found = false;
    err_t e = roles_repo_ref(db, a, u->organization_id, role_id, perm != ROLES_PERM_VIEW, out, &found);
    if (e != ERR_OK)
        return e;
    if (!found)
        return ERR_FORBIDDEN;
    if (u->is_owner || perm == ROLES_PERM_VIEW)
        return ERR_OK;
    const char *team_role = NULL;
    e = roles_repo_team_role(db, a, u->organization_id, role_id, u->id, &team_role);
    if (e != ERR_OK)
        return e;
    return roles_team_grants(team_role, perm) ? ERR_OK : ERR_FORBIDDEN;
}

err_t roles_find(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, roles_ref_t *out)
{
    bool found = false;
    err_t e = roles_repo_ref(db, a, org, role_id, false, out, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : ERR_NOT_FOUND;
}

err_t roles_names(db_t *db, mem_arena_t *a, int64_t org, const int64_t *ids, size_t n, const char ***names)
{
    return roles_repo_names(db, a, org, ids, n, names);
}

err_t roles_task_linked(db_t *db, int64_t role_id, int64_t task_id, bool *linked)
{
    return roles_repo_task_linked(db, role_id, task_id, linked);
}
