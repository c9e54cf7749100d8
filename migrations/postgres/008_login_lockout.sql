-- per-account login lockout: consecutive failed logins, and until when the
-- account refuses every login.  The names and types are those of the
-- identity design (its migration 141), so that work reuses them.

ALTER TABLE users ADD COLUMN IF NOT EXISTS failed_login_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN IF NOT EXISTS locked_until TIMESTAMP WITH TIME ZONE;
