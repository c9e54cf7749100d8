/* SQL of the access module: one role's reference row and one hiring-team
 * membership. */
#ifndef TALI_COMPONENTS_ROLES_ACCESS_REPO_H
#define TALI_COMPONENTS_ROLES_ACCESS_REPO_H

#include "components/roles/roles.h"

/* The live role (org, id) into *out, locked FOR UPDATE when lock (on
 * PostgreSQL).  *found false when there is none. */
err_t roles_repo_ref(db_t *db, mem_arena_t *a, int64_t org, int64_t id, bool lock, roles_ref_t *out, bool *found);

/* The team_role of user on role (NULL when not on its hiring team). */
err_t roles_repo_team_role(db_t *db, mem_arena_t *a, int64_t org, int64_t role_id, int64_t user_id,
                           const char **team_role);

err_t roles_repo_names(db_t *db, mem_arena_t *a, int64_t org, const int64_t *ids, size_t n, const char ***names);

err_t roles_repo_task_linked(db_t *db, int64_t role_id, int64_t task_id, bool *linked);

#endif
