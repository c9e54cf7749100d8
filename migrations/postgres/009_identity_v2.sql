-- Identity v2 (spec v2/identity-and-kept-routes.md §4): member roles, the
-- auth_events audit trail, API keys, and the organisation access settings.
-- Names and types are the ones today's original gives them (its migrations
-- 012, 098, 111, 140, 141), so a database either backend used reads the
-- same.  IF NOT EXISTS throughout: a database today's original already
-- migrated has some of these, and nothing here changes what exists.

ALTER TABLE users ADD COLUMN IF NOT EXISTS role VARCHAR NOT NULL DEFAULT 'member';

-- One owner per organisation (its migration 140): the lowest-id active
-- user, or the lowest-id user where none is active.  Only organisations
-- that have no owner yet are touched.
UPDATE users SET role = 'owner'
WHERE id IN (
    SELECT DISTINCT ON (organization_id) id FROM users
    WHERE organization_id IS NOT NULL
      AND organization_id NOT IN (SELECT organization_id FROM users
                                  WHERE role = 'owner' AND organization_id IS NOT NULL)
    ORDER BY organization_id, COALESCE(is_active, true) DESC, id);

CREATE TABLE IF NOT EXISTS auth_events (
    id SERIAL NOT NULL,
    event_type VARCHAR(50) NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    organization_id INTEGER,
    email VARCHAR(320),
    ip_address VARCHAR(64),
    user_agent VARCHAR(512),
    event_metadata JSON,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_auth_events_event_type ON auth_events (event_type);
CREATE INDEX IF NOT EXISTS ix_auth_events_user_id ON auth_events (user_id);
CREATE INDEX IF NOT EXISTS ix_auth_events_organization_id ON auth_events (organization_id);
CREATE INDEX IF NOT EXISTS ix_auth_events_created_at ON auth_events (created_at);

CREATE TABLE IF NOT EXISTS api_keys (
    id SERIAL NOT NULL,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    created_by_user_id INTEGER REFERENCES users (id),
    name VARCHAR NOT NULL,
    prefix VARCHAR NOT NULL,
    is_test BOOLEAN NOT NULL DEFAULT false,
    hashed_secret VARCHAR NOT NULL,
    scopes JSON NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE,
    expires_at TIMESTAMP WITH TIME ZONE,
    revoked_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_api_keys_organization_id ON api_keys (organization_id);
CREATE INDEX IF NOT EXISTS ix_api_keys_prefix ON api_keys (prefix);
CREATE UNIQUE INDEX IF NOT EXISTS ix_api_keys_hashed_secret ON api_keys (hashed_secret);

ALTER TABLE organizations
    ADD COLUMN IF NOT EXISTS allowed_email_domains JSON,
    ADD COLUMN IF NOT EXISTS sso_enforced BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS saml_enabled BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS saml_metadata_url VARCHAR,
    ADD COLUMN IF NOT EXISTS two_factor_required BOOLEAN NOT NULL DEFAULT false;
