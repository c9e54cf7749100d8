-- The original backend's schema (domain-model.md section 2) in SQLite's
-- dialect: the same table, column and index names as the PostgreSQL
-- flavour.  Times are text "YYYY-MM-DD HH:MM:SS.ffffff" (UTC), booleans
-- 0/1, JSON is text, and the status enum is VARCHAR(11) with a CHECK so a
-- bad value fails here as it does against the PostgreSQL enum.

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR NOT NULL,
    slug VARCHAR,
    workable_subdomain VARCHAR,
    workable_access_token VARCHAR,
    workable_refresh_token VARCHAR,
    workable_connected BOOLEAN DEFAULT 0,
    workable_config JSON,
    stripe_customer_id VARCHAR,
    stripe_subscription_id VARCHAR,
    plan VARCHAR DEFAULT 'pay_per_use',
    assessments_used INTEGER DEFAULT 0,
    assessments_limit INTEGER,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME
);
CREATE INDEX ix_organizations_id ON organizations (id);
CREATE UNIQUE INDEX ix_organizations_slug ON organizations (slug);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email VARCHAR NOT NULL,
    hashed_password VARCHAR NOT NULL,
    full_name VARCHAR,
    is_active BOOLEAN DEFAULT 1,
    is_superuser BOOLEAN DEFAULT 0,
    organization_id INTEGER,
    password_reset_token VARCHAR,
    password_reset_expires DATETIME,
    is_email_verified BOOLEAN DEFAULT 0 NOT NULL,
    email_verification_token VARCHAR,
    email_verification_sent_at DATETIME,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME,
    FOREIGN KEY (organization_id) REFERENCES organizations (id)
);
CREATE INDEX ix_users_id ON users (id);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_organization_id ON users (organization_id);
CREATE INDEX ix_users_password_reset_token ON users (password_reset_token);
CREATE INDEX ix_users_email_verification_token ON users (email_verification_token);

CREATE TABLE candidates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER,
    email VARCHAR,
    full_name VARCHAR,
    position VARCHAR,
    workable_candidate_id VARCHAR,
    workable_data JSON,
    cv_file_url VARCHAR,
    cv_filename VARCHAR,
    cv_text TEXT,
    cv_uploaded_at DATETIME,
    job_spec_file_url VARCHAR,
    job_spec_filename VARCHAR,
    job_spec_text TEXT,
    job_spec_uploaded_at DATETIME,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    FOREIGN KEY (organization_id) REFERENCES organizations (id)
);
CREATE INDEX ix_candidates_id ON candidates (id);
CREATE INDEX ix_candidates_organization_id ON candidates (organization_id);
CREATE INDEX ix_candidates_email ON candidates (email);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER,
    name VARCHAR NOT NULL,
    description TEXT,
    task_type VARCHAR,
    difficulty VARCHAR,
    duration_minutes INTEGER DEFAULT 30,
    starter_code TEXT,
    test_code TEXT,
    sample_data JSON,
    dependencies JSON,
    success_criteria JSON,
    test_weights JSON,
    is_template BOOLEAN DEFAULT 0,
    is_active BOOLEAN DEFAULT 1,
    calibration_prompt TEXT,
    score_weights JSON,
    recruiter_weight_preset VARCHAR,
    proctoring_enabled BOOLEAN DEFAULT 0,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME,
    FOREIGN KEY (organization_id) REFERENCES organizations (id)
);
CREATE INDEX ix_tasks_id ON tasks (id);
CREATE INDEX ix_tasks_organization_id ON tasks (organization_id);

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER,
    candidate_id INTEGER,
    task_id INTEGER,
    token VARCHAR,
    status VARCHAR(11) DEFAULT 'PENDING'
        CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'EXPIRED')),
    duration_minutes INTEGER DEFAULT 30,
    started_at DATETIME,
    completed_at DATETIME,
    expires_at DATETIME,
    score FLOAT,
    tests_passed INTEGER,
    tests_total INTEGER,
    code_quality_score FLOAT,
    time_efficiency_score FLOAT,
    ai_usage_score FLOAT,
    test_results JSON,
    ai_prompts JSON,
    code_snapshots JSON,
    timeline JSON,
    e2b_session_id VARCHAR,
    workable_candidate_id VARCHAR,
    workable_job_id VARCHAR,
    posted_to_workable BOOLEAN DEFAULT 0,
    posted_to_workable_at DATETIME,
    prompt_quality_score FLOAT,
    prompt_efficiency_score FLOAT,
    independence_score FLOAT,
    context_utilization_score FLOAT,
    design_thinking_score FLOAT,
    debugging_strategy_score FLOAT,
    written_communication_score FLOAT,
    learning_velocity_score FLOAT,
    error_recovery_score FLOAT,
    requirement_comprehension_score FLOAT,
    calibration_score FLOAT,
    prompt_fraud_flags JSON,
    prompt_analytics JSON,
    browser_focus_ratio FLOAT,
    tab_switch_count INTEGER DEFAULT 0,
    time_to_first_prompt_seconds INTEGER,
    cv_file_url VARCHAR,
    cv_filename VARCHAR,
    cv_uploaded_at DATETIME,
    final_score FLOAT,
    score_breakdown JSON,
    score_weights_used JSON,
    flags JSON,
    scored_at DATETIME,
    total_duration_seconds INTEGER,
    total_prompts INTEGER,
    total_input_tokens INTEGER,
    total_output_tokens INTEGER,
    tests_run_count INTEGER,
    tests_pass_count INTEGER,
    cv_job_match_score FLOAT,
    cv_job_match_details JSON,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME,
    FOREIGN KEY (organization_id) REFERENCES organizations (id),
    FOREIGN KEY (candidate_id) REFERENCES candidates (id),
    FOREIGN KEY (task_id) REFERENCES tasks (id)
);
CREATE INDEX ix_assessments_id ON assessments (id);
CREATE INDEX ix_assessments_organization_id ON assessments (organization_id);
CREATE INDEX ix_assessments_candidate_id ON assessments (candidate_id);
CREATE INDEX ix_assessments_task_id ON assessments (task_id);
CREATE UNIQUE INDEX ix_assessments_token ON assessments (token);

CREATE TABLE assessment_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER,
    session_start DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    session_end DATETIME,
    keystrokes INTEGER DEFAULT 0,
    code_executions INTEGER DEFAULT 0,
    ai_requests INTEGER DEFAULT 0,
    activity_log JSON,
    FOREIGN KEY (assessment_id) REFERENCES assessments (id)
);
CREATE INDEX ix_assessment_sessions_id ON assessment_sessions (id);
