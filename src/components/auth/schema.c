/* JSON encoding of a user (api-contract §2.1, model path; the register
 * superset of spec v2 D6). */
#include "components/auth/internal.h"

json_t *auth_user_json(const auth_user_t *u)
{
    char buf[40];
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)u->id));
    json_object_set_new(j, "email", json_string(u->email ? u->email : ""));
    json_object_set_new(j, "full_name", u->full_name ? json_string(u->full_name) : json_null());
    json_object_set_new(j, "is_active", json_boolean(u->is_active));
    json_object_set_new(j, "is_email_verified", json_boolean(u->is_email_verified));
    json_object_set_new(j, "organization_id",
                        u->has_organization ? json_integer((json_int_t)u->organization_id) : json_null());
    json_object_set_new(j, "created_at",
                        u->has_created_at ? json_string(db_format_time(u->created_at, "Z", buf)) : json_null());
    return j;
}

json_t *auth_register_json(const auth_user_t *u)
{
    char buf[40];
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)u->id));
    json_object_set_new(j, "email", json_string(u->email ? u->email : ""));
    json_object_set_new(j, "full_name", u->full_name ? json_string(u->full_name) : json_null());
    json_object_set_new(j, "is_active", json_boolean(u->is_active));
    json_object_set_new(j, "is_email_verified", json_boolean(u->is_email_verified));
    json_object_set_new(j, "is_verified", json_boolean(u->is_email_verified));
    json_object_set_new(j, "is_superuser", json_boolean(u->is_superuser));
    json_object_set_new(j, "organization_id",
                        u->has_organization ? json_integer((json_int_t)u->organization_id) : json_null());
    json_object_set_new(j, "role", json_string(u->is_owner ? AUTH_ROLE_OWNER : AUTH_ROLE_MEMBER));
    json_object_set_new(j, "created_at",
                        u->has_created_at ? json_string(db_format_time(u->created_at, "Z", buf)) : json_null());
    return j;
}

json_t *auth_userread_json(const auth_user_t *u)
{
    char buf[40];
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)u->id));
    json_object_set_new(j, "email", json_string(u->email ? u->email : ""));
    json_object_set_new(j, "is_active", json_boolean(u->is_active));
    json_object_set_new(j, "is_superuser", json_boolean(u->is_superuser));
    json_object_set_new(j, "is_verified", json_boolean(u->is_email_verified));
    json_object_set_new(j, "full_name", u->full_name ? json_string(u->full_name) : json_null());
    json_object_set_new(j, "organization_id",
                        u->has_organization ? json_integer((json_int_t)u->organization_id) : json_null());
    json_object_set_new(j, "role", json_string(u->is_owner ? AUTH_ROLE_OWNER : AUTH_ROLE_MEMBER));
    json_object_set_new(j, "created_at",
                        u->has_created_at ? json_string(db_format_time(u->created_at, "Z", buf)) : json_null());
    return j;
}
