/* The bridge from validation results to the request's 422 list: every
 * endpoint ends its validation the same way. */
#include "platform/validate.h"

void vld_move_to(vld_t *v, http_verr_t *hv)
{
    json_t *list = vld_take(v);
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    {
        json_t *ctx = json_object_get(it, "ctx");
        http_verr_add(hv, json_string_value(json_object_get(it, "type")), json_incref(json_object_get(it, "loc")),
                      json_string_value(json_object_get(it, "msg")), json_incref(json_object_get(it, "input")),
                      ctx ? json_incref(ctx) : NULL);
    }
    json_decref(list);
}

bool vld_reply_if_invalid(http_req_t *req, http_verr_t *hv, vld_t *v)
{
    vld_move_to(v, hv);
    vld_free(v);
    if (!http_verr_any(hv))
        return false;
    http_reply_verr(req, hv);
    return true;
}
