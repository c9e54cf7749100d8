-- Workable OAuth state receipts (spec v2 D23, identity spec §2.9): one
-- outstanding connection flow per user and workspace.  receipt_key is the
-- SHA-256 (hex) of "<organization_id>:<user_id>", receipt_hash the SHA-256
-- (hex) of the nonce inside the signed state, so the table never holds the
-- bearer-like nonce itself.  Today's original kept these in Redis (10
-- minute keys); a row here serves every replica the same way, and O4
-- deletes it when the state is used.
CREATE TABLE IF NOT EXISTS workable_oauth_states (
    receipt_key VARCHAR(64) NOT NULL,
    receipt_hash VARCHAR(64) NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (receipt_key)
);
CREATE INDEX IF NOT EXISTS ix_workable_oauth_states_expires_at ON workable_oauth_states (expires_at);
