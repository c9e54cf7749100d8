/* Private to the roles component: the hooks main.c installed, shared by
 * its service files. */
#ifndef TALI_COMPONENTS_ROLES_INTERNAL_H
#define TALI_COMPONENTS_ROLES_INTERNAL_H

#include "components/roles/roles.h"

extern roles_stats_fn roles_stats_hook;
extern roles_usage_fn roles_applications_hook;
extern roles_usage_fn roles_assessments_hook;

#endif
