-- Kept routes in today's shape (spec v2/identity-and-kept-routes.md §2.8,
-- §2.10, §2.12, D21-D26): the organisation settings of today's O1/O2, the
-- task fields of T2-T5 and the lead fields of C1-C4.  Names and types are
-- the ones today's original gives them (its migrations 010, 016, 018, 021,
-- 030, 035, 036, 038, 052, 060, 142, 151), so a database either backend
-- used reads the same.  IF NOT EXISTS throughout: a database today's
-- original already migrated has these, and nothing here changes what
-- exists.  assessments_used and assessments_limit stay (D21: its 053 is
-- not applied).

ALTER TABLE organizations
    ADD COLUMN IF NOT EXISTS sync_mode VARCHAR NOT NULL DEFAULT 'standalone',
    ADD COLUMN IF NOT EXISTS workable_last_sync_at TIMESTAMP WITH TIME ZONE,
    ADD COLUMN IF NOT EXISTS workable_last_sync_status VARCHAR,
    ADD COLUMN IF NOT EXISTS workable_last_sync_summary JSON,
    ADD COLUMN IF NOT EXISTS bullhorn_connected BOOLEAN DEFAULT false,
    ADD COLUMN IF NOT EXISTS bullhorn_last_sync_at TIMESTAMP WITH TIME ZONE,
    ADD COLUMN IF NOT EXISTS bullhorn_last_sync_status VARCHAR,
    ADD COLUMN IF NOT EXISTS fireflies_api_key_encrypted VARCHAR,
    ADD COLUMN IF NOT EXISTS fireflies_webhook_secret VARCHAR,
    ADD COLUMN IF NOT EXISTS fireflies_owner_email VARCHAR,
    ADD COLUMN IF NOT EXISTS fireflies_invite_email VARCHAR,
    ADD COLUMN IF NOT EXISTS fireflies_single_account_mode BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN IF NOT EXISTS billing_provider VARCHAR NOT NULL DEFAULT 'stripe',
    ADD COLUMN IF NOT EXISTS credits_balance BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS default_assessment_duration_minutes INTEGER NOT NULL DEFAULT 30,
    ADD COLUMN IF NOT EXISTS invite_email_template TEXT,
    ADD COLUMN IF NOT EXISTS default_role_budget_cents INTEGER,
    ADD COLUMN IF NOT EXISTS default_score_threshold INTEGER,
    ADD COLUMN IF NOT EXISTS monthly_spend_cap_cents INTEGER,
    ADD COLUMN IF NOT EXISTS workspace_settings JSON,
    ADD COLUMN IF NOT EXISTS scoring_policy JSON,
    ADD COLUMN IF NOT EXISTS ai_tooling_config JSON,
    ADD COLUMN IF NOT EXISTS notification_preferences JSON;

-- Its 151: organisations already connected to Workable are Workable-led.
UPDATE organizations SET sync_mode = 'workable_primary'
WHERE workable_connected IS TRUE AND sync_mode = 'standalone';

ALTER TABLE tasks
    ADD COLUMN IF NOT EXISTS task_key VARCHAR,
    ADD COLUMN IF NOT EXISTS role VARCHAR,
    ADD COLUMN IF NOT EXISTS scenario TEXT,
    ADD COLUMN IF NOT EXISTS repo_structure JSON,
    ADD COLUMN IF NOT EXISTS evaluation_rubric JSON,
    ADD COLUMN IF NOT EXISTS extra_data JSON,
    ADD COLUMN IF NOT EXISTS claude_budget_limit_usd DOUBLE PRECISION;
CREATE INDEX IF NOT EXISTS ix_tasks_task_key ON tasks (task_key);

ALTER TABLE candidates
    ADD COLUMN IF NOT EXISTS work_email VARCHAR,
    ADD COLUMN IF NOT EXISTS company_name VARCHAR,
    ADD COLUMN IF NOT EXISTS company_size VARCHAR,
    ADD COLUMN IF NOT EXISTS lead_source VARCHAR,
    ADD COLUMN IF NOT EXISTS marketing_consent BOOLEAN NOT NULL DEFAULT true;
