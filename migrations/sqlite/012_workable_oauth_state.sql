-- Workable OAuth state receipts (spec v2 D23): see the PostgreSQL flavour.
-- Times are text "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
CREATE TABLE IF NOT EXISTS workable_oauth_states (
    receipt_key VARCHAR NOT NULL PRIMARY KEY,
    receipt_hash VARCHAR NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_workable_oauth_states_expires_at ON workable_oauth_states (expires_at);
