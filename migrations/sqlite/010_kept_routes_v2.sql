-- Kept routes in today's shape: see the PostgreSQL flavour.  JSON is JSON,
-- times are DATETIME, as in the other SQLite migrations.

ALTER TABLE organizations ADD COLUMN sync_mode VARCHAR NOT NULL DEFAULT 'standalone';
ALTER TABLE organizations ADD COLUMN workable_last_sync_at DATETIME;
ALTER TABLE organizations ADD COLUMN workable_last_sync_status VARCHAR;
ALTER TABLE organizations ADD COLUMN workable_last_sync_summary JSON;
ALTER TABLE organizations ADD COLUMN bullhorn_connected BOOLEAN DEFAULT 0;
ALTER TABLE organizations ADD COLUMN bullhorn_last_sync_at DATETIME;
ALTER TABLE organizations ADD COLUMN bullhorn_last_sync_status VARCHAR;
ALTER TABLE organizations ADD COLUMN fireflies_api_key_encrypted VARCHAR;
ALTER TABLE organizations ADD COLUMN fireflies_webhook_secret VARCHAR;
ALTER TABLE organizations ADD COLUMN fireflies_owner_email VARCHAR;
ALTER TABLE organizations ADD COLUMN fireflies_invite_email VARCHAR;
ALTER TABLE organizations ADD COLUMN fireflies_single_account_mode BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE organizations ADD COLUMN billing_provider VARCHAR NOT NULL DEFAULT 'stripe';
ALTER TABLE organizations ADD COLUMN credits_balance BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN default_assessment_duration_minutes INTEGER NOT NULL DEFAULT 30;
ALTER TABLE organizations ADD COLUMN invite_email_template TEXT;
ALTER TABLE organizations ADD COLUMN default_role_budget_cents INTEGER;
ALTER TABLE organizations ADD COLUMN default_score_threshold INTEGER;
ALTER TABLE organizations ADD COLUMN monthly_spend_cap_cents INTEGER;
ALTER TABLE organizations ADD COLUMN workspace_settings JSON;
ALTER TABLE organizations ADD COLUMN scoring_policy JSON;
ALTER TABLE organizations ADD COLUMN ai_tooling_config JSON;
ALTER TABLE organizations ADD COLUMN notification_preferences JSON;

UPDATE organizations SET sync_mode = 'workable_primary'
WHERE workable_connected = 1 AND sync_mode = 'standalone';

ALTER TABLE tasks ADD COLUMN task_key VARCHAR;
ALTER TABLE tasks ADD COLUMN role VARCHAR;
ALTER TABLE tasks ADD COLUMN scenario TEXT;
ALTER TABLE tasks ADD COLUMN repo_structure JSON;
ALTER TABLE tasks ADD COLUMN evaluation_rubric JSON;
ALTER TABLE tasks ADD COLUMN extra_data JSON;
ALTER TABLE tasks ADD COLUMN claude_budget_limit_usd FLOAT;

CREATE INDEX ix_tasks_task_key ON tasks (task_key);

ALTER TABLE candidates ADD COLUMN work_email VARCHAR;
ALTER TABLE candidates ADD COLUMN company_name VARCHAR;
ALTER TABLE candidates ADD COLUMN company_size VARCHAR;
ALTER TABLE candidates ADD COLUMN lead_source VARCHAR;
ALTER TABLE candidates ADD COLUMN marketing_consent BOOLEAN NOT NULL DEFAULT 1;
