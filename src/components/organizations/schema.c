/* JSON encoding of an organisation (api-contract §2.2, model path). */
#include "components/organizations/organizations.h"

json_t *organizations_json(const organizations_org_t *o)
{
    char buf[40];
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer((json_int_t)o->id));
    json_object_set_new(j, "name", json_string(o->name ? o->name : ""));
    json_object_set_new(j, "slug", o->slug ? json_string(o->slug) : json_null());
    json_object_set_new(j, "workable_connected", json_boolean(o->workable_connected));
    json_object_set_new(j, "workable_subdomain",
                        o->workable_subdomain ? json_string(o->workable_subdomain) : json_null());
    json_object_set_new(j, "plan", json_string(o->plan ? o->plan : "pay_per_use"));
    json_object_set_new(j, "assessments_used", json_integer((json_int_t)o->assessments_used));
    json_object_set_new(j, "assessments_limit",
                        o->has_assessments_limit ? json_integer((json_int_t)o->assessments_limit) : json_null());
    json_object_set_new(j, "created_at",
                        o->has_created_at ? json_string(db_format_time(o->created_at, "Z", buf)) : json_null());
    return j;
}
