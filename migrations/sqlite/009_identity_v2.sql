-- Identity v2: see the PostgreSQL flavour (SQLite ignores VARCHAR lengths,
-- so none are written).  JSON is text, times are text
-- "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).

ALTER TABLE users ADD COLUMN role VARCHAR NOT NULL DEFAULT 'member';

UPDATE users SET role = 'owner'
WHERE id IN (
    SELECT (SELECT u2.id FROM users u2 WHERE u2.organization_id = u.organization_id
            ORDER BY COALESCE(u2.is_active, 1) DESC, u2.id LIMIT 1)
    FROM users u WHERE u.organization_id IS NOT NULL GROUP BY u.organization_id);

CREATE TABLE auth_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type VARCHAR NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    organization_id INTEGER,
    email VARCHAR,
    ip_address VARCHAR,
    user_agent VARCHAR,
    event_metadata JSON,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX ix_auth_events_event_type ON auth_events (event_type);
CREATE INDEX ix_auth_events_user_id ON auth_events (user_id);
CREATE INDEX ix_auth_events_organization_id ON auth_events (organization_id);
CREATE INDEX ix_auth_events_created_at ON auth_events (created_at);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    created_by_user_id INTEGER REFERENCES users (id),
    name VARCHAR NOT NULL,
    prefix VARCHAR NOT NULL,
    is_test BOOLEAN NOT NULL DEFAULT 0,
    hashed_secret VARCHAR NOT NULL,
    scopes JSON NOT NULL,
    last_used_at DATETIME,
    expires_at DATETIME,
    revoked_at DATETIME,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX ix_api_keys_organization_id ON api_keys (organization_id);
CREATE INDEX ix_api_keys_prefix ON api_keys (prefix);
CREATE UNIQUE INDEX ix_api_keys_hashed_secret ON api_keys (hashed_secret);

ALTER TABLE organizations ADD COLUMN allowed_email_domains JSON;
ALTER TABLE organizations ADD COLUMN sso_enforced BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN saml_enabled BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN saml_metadata_url VARCHAR;
ALTER TABLE organizations ADD COLUMN two_factor_required BOOLEAN NOT NULL DEFAULT 0;
