/* Declarations shared by the organizations component's own files. */
#ifndef TALI_COMPONENTS_ORGANIZATIONS_INTERNAL_H
#define TALI_COMPONENTS_ORGANIZATIONS_INTERNAL_H

#include "components/organizations/organizations.h"
#include "platform/validate.h"

/* ---- schema.c: today's typed settings objects (v2 spec §2.8) ---- */

typedef enum {
    ORG_F_BOOL,
    ORG_F_NBOOL, /* Optional[bool] */
    ORG_F_INT,
    ORG_F_NINT,
    ORG_F_FLOAT,
    ORG_F_STR,
    ORG_F_NSTR,
    ORG_F_ENUM, /* a str among lits */
    ORG_F_NENUM,
    ORG_F_STRLIST,
    ORG_F_NSTRLIST,
    ORG_F_OBJ,  /* a nested object of sub, defaults filled in */
    ORG_F_NOBJ, /* the same, or null */
} org_kind_t;

/* One field of a settings object: kind, bounds (ints: ge/le, 0/0 for
 * none except where lo is set; strings: length; floats: ge/le), default
 * as JSON text, the allowed literals, the nested fields, and whether an
 * update may set it. */
typedef struct org_field {
    const char *key;
    org_kind_t kind;
    long long lo, hi;
    const char *dflt;
    const char *const *lits;
    const struct org_field *sub;
    bool updatable;
} org_field_t;

/* A settings object as O2 takes it: the body key, the name pydantic gives
 * its update model (for the model_type error), and its fields. */
typedef struct {
    const char *key;
    const char *model;
    const org_field_t *fields;
} org_object_t;

extern const org_object_t org_obj_workable, org_obj_fireflies, org_obj_workspace, org_obj_scoring, org_obj_ai,
    org_obj_notifications;

/* The stored object (may be NULL or not an object) over the defaults of
 * fields: every field, stored values that fit their kind, defaults
 * otherwise.  Returns a new reference. */
json_t *org_schema_resolve(const org_field_t *fields, const json_t *stored);

/* allowed_email_domains normalised (list of str; other items skipped):
 * lower-cased, a leading "@" and anything before an "@" removed, dots
 * trimmed, empties and duplicates dropped.  A new array. */
json_t *org_domains_normalize(const json_t *list);

/* ---- O2 ---- */

/* A validated O2 body.  Objects are JSON text in the request arena: the
 * update's values after validation (nulls removed; lax values such as
 * "yes" made typed), NULL when absent or null; fireflies_config holds the
 * keys sent, explicit nulls included (they clear).  Presence flags follow
 * vld_presence_t. */
typedef struct {
    vld_str_t name;
    const char *workable_config, *fireflies_config, *workspace_settings, *scoring_policy, *ai_tooling_config,
        *notification_preferences;
    vld_json_t allowed_email_domains;
    vld_bool_t sso_enforced, saml_enabled, two_factor_required;
    vld_str_t saml_metadata_url, invite_email_template;
    vld_int_t default_assessment_duration_minutes, default_role_budget_cents, default_score_threshold,
        monthly_spend_cap_cents;
} org_patch_t;

/* Validates body as today's OrgUpdate into *out (texts in arena a).
 * Problems go to v. */
void org_schema_patch(vld_t *v, mem_arena_t *a, const json_t *body, org_patch_t *out);

/* Whether the patch names one of the owner-only access fields. */
bool org_patch_touches_access(const org_patch_t *p);

/* Applies O2 to organisation id: reads it, merges the patch (D22: the
 * stored workable_config keeps keys today's schema does not know), checks
 * the SAML rule, writes it.  *detail receives the text of a failure:
 * ERR_NOT_FOUND, ERR_VALIDATION (the two fireflies e-mail texts),
 * ERR_BAD_REQUEST (the SAML text), or the database error. */
err_t org_svc_patch(db_t *db, mem_arena_t *a, int64_t id, const org_patch_t *p, const char **detail);

/* Fernet token of plaintext under SECRET_KEY (the original's
 * encrypt_text: key = urlsafe-base64 SHA-256 of the secret).  Owned by a;
 * NULL when the cipher fails. */
char *org_fernet_encrypt(mem_arena_t *a, const char *secret, const char *plaintext);

#endif
