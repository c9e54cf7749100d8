-- Run once, inside the adoption transaction, on a database the original
-- backend created.  Its alembic chain (001-008) added these columns and
-- indexes to tables create_all had made earlier; a database that stopped
-- short of head 008 lacks some.  Everything here only adds what is missing
-- and never changes what exists.

ALTER TABLE users
    ADD COLUMN IF NOT EXISTS password_reset_token VARCHAR,
    ADD COLUMN IF NOT EXISTS password_reset_expires TIMESTAMP WITH TIME ZONE,
    ADD COLUMN IF NOT EXISTS is_email_verified BOOLEAN DEFAULT false NOT NULL,
    ADD COLUMN IF NOT EXISTS email_verification_token VARCHAR,
    ADD COLUMN IF NOT EXISTS email_verification_sent_at TIMESTAMP WITH TIME ZONE;

ALTER TABLE candidates
    ADD COLUMN IF NOT EXISTS cv_file_url VARCHAR,
    ADD COLUMN IF NOT EXISTS cv_filename VARCHAR,
    ADD COLUMN IF NOT EXISTS cv_text TEXT,
    ADD COLUMN IF NOT EXISTS cv_uploaded_at TIMESTAMP WITH TIME ZONE,
    ADD COLUMN IF NOT EXISTS job_spec_file_url VARCHAR,
    ADD COLUMN IF NOT EXISTS job_spec_filename VARCHAR,
    ADD COLUMN IF NOT EXISTS job_spec_text TEXT,
    ADD COLUMN IF NOT EXISTS job_spec_uploaded_at TIMESTAMP WITH TIME ZONE;

ALTER TABLE tasks
    ADD COLUMN IF NOT EXISTS calibration_prompt TEXT,
    ADD COLUMN IF NOT EXISTS score_weights JSON,
    ADD COLUMN IF NOT EXISTS recruiter_weight_preset VARCHAR,
    ADD COLUMN IF NOT EXISTS proctoring_enabled BOOLEAN DEFAULT false;

ALTER TABLE assessments
    ADD COLUMN IF NOT EXISTS prompt_quality_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS prompt_efficiency_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS independence_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS context_utilization_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS design_thinking_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS debugging_strategy_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS written_communication_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS learning_velocity_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS error_recovery_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS requirement_comprehension_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS calibration_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS prompt_fraud_flags JSON,
    ADD COLUMN IF NOT EXISTS prompt_analytics JSON,
    ADD COLUMN IF NOT EXISTS browser_focus_ratio DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS tab_switch_count INTEGER DEFAULT 0,
    ADD COLUMN IF NOT EXISTS time_to_first_prompt_seconds INTEGER,
    ADD COLUMN IF NOT EXISTS cv_file_url VARCHAR,
    ADD COLUMN IF NOT EXISTS cv_filename VARCHAR,
    ADD COLUMN IF NOT EXISTS cv_uploaded_at TIMESTAMP WITH TIME ZONE,
    ADD COLUMN IF NOT EXISTS final_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS score_breakdown JSON,
    ADD COLUMN IF NOT EXISTS score_weights_used JSON,
    ADD COLUMN IF NOT EXISTS flags JSON,
    ADD COLUMN IF NOT EXISTS scored_at TIMESTAMP WITH TIME ZONE,
    ADD COLUMN IF NOT EXISTS total_duration_seconds INTEGER,
    ADD COLUMN IF NOT EXISTS total_prompts INTEGER,
    ADD COLUMN IF NOT EXISTS total_input_tokens INTEGER,
    ADD COLUMN IF NOT EXISTS total_output_tokens INTEGER,
    ADD COLUMN IF NOT EXISTS tests_run_count INTEGER,
    ADD COLUMN IF NOT EXISTS tests_pass_count INTEGER,
    ADD COLUMN IF NOT EXISTS cv_job_match_score DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS cv_job_match_details JSON;

CREATE INDEX IF NOT EXISTS ix_users_password_reset_token ON users (password_reset_token);
CREATE INDEX IF NOT EXISTS ix_users_email_verification_token ON users (email_verification_token);
CREATE INDEX IF NOT EXISTS ix_users_organization_id ON users (organization_id);
CREATE INDEX IF NOT EXISTS ix_assessments_organization_id ON assessments (organization_id);
CREATE INDEX IF NOT EXISTS ix_assessments_candidate_id ON assessments (candidate_id);
CREATE INDEX IF NOT EXISTS ix_assessments_task_id ON assessments (task_id);
CREATE INDEX IF NOT EXISTS ix_tasks_organization_id ON tasks (organization_id);
CREATE INDEX IF NOT EXISTS ix_candidates_organization_id ON candidates (organization_id);
