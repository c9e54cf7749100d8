/* SQL on `tasks` (this component's table only).  Only service.c includes
 * this file. */
#ifndef TALI_COMPONENTS_TASKS_REPO_H
#define TALI_COMPONENTS_TASKS_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "components/tasks/internal.h"

/* Which rows a read may return. */
typedef enum {
    TASKS_SCOPE_ANY = 0, /* whoever owns it */
    TASKS_SCOPE_OWN,     /* the owner's tasks only */
    TASKS_SCOPE_VISIBLE, /* the owner's tasks and every template */
} tasks_scope_t;

/* One task by id within scope; *found tells whether it exists (then *out
 * is filled, strings in arena a).  Returns the database error, if any. */
err_t tasks_repo_get(db_t *db, mem_arena_t *a, tasks_scope_t scope, tasks_owner_t owner, int64_t id, task_t *out,
                     bool *found);

/* The owner's active tasks plus every active template, by id.  *out
 * (arena a) and *n. */
err_t tasks_repo_list_visible(db_t *db, mem_arena_t *a, tasks_owner_t owner, task_t **out, size_t *n);

/* The owner's own inactive tasks, newest (highest id) first. */
err_t tasks_repo_list_inactive(db_t *db, mem_arena_t *a, tasks_owner_t owner, task_t **out, size_t *n);

/* Inserts an active task for owner, created at now_us; *id receives its
 * id. */
err_t tasks_repo_insert(db_t *db, tasks_owner_t owner, const tasks_new_t *in, int64_t now_us, int64_t *id);

/* Applies p to task id and sets updated_at = now_us. */
err_t tasks_repo_update(db_t *db, int64_t id, const tasks_patch_t *p, int64_t now_us);

/* Deletes task id; *affected = rows deleted. */
err_t tasks_repo_delete(db_t *db, int64_t id, int64_t *affected);

#endif
