-- auth (policy fix 5): when the password was last reset, so tokens issued
-- before it are refused; and an index for the case-insensitive e-mail
-- lookups of login, registration and invites.  The exact unique index of
-- the original stays as it is (an adopted database may already hold
-- addresses that differ only in case).

ALTER TABLE users ADD COLUMN IF NOT EXISTS password_changed_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX IF NOT EXISTS ix_users_email_lower ON users (lower(email));
