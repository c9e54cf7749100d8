-- auth (policy fix 5): see the PostgreSQL flavour.  Times are text
-- "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).

ALTER TABLE users ADD COLUMN password_changed_at DATETIME;
CREATE INDEX IF NOT EXISTS ix_users_email_lower ON users (lower(email));
