-- per-account login lockout: see the PostgreSQL flavour.  Times are text
-- "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).

ALTER TABLE users ADD COLUMN failed_login_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until DATETIME;
