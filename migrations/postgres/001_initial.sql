-- The original backend's schema (domain-model.md section 2), as its
-- create_all emitted it: same names, types, defaults and index names, so
-- a database made by either backend serves the other.  Client-side
-- defaults of the original's models are also DDL defaults here, which
-- changes nothing for rows that name every column.

CREATE TYPE assessmentstatus AS ENUM ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'EXPIRED');

CREATE TABLE organizations (
    id SERIAL NOT NULL,
    name VARCHAR NOT NULL,
    slug VARCHAR,
    workable_subdomain VARCHAR,
    workable_access_token VARCHAR,
    workable_refresh_token VARCHAR,
    workable_connected BOOLEAN DEFAULT false,
    workable_config JSON,
    stripe_customer_id VARCHAR,
    stripe_subscription_id VARCHAR,
    plan VARCHAR DEFAULT 'pay_per_use',
    assessments_used INTEGER DEFAULT 0,
    assessments_limit INTEGER,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (id)
);
CREATE INDEX ix_organizations_id ON organizations (id);
CREATE UNIQUE INDEX ix_organizations_slug ON organizations (slug);

CREATE TABLE users (
    id SERIAL NOT NULL,
    email VARCHAR NOT NULL,
    hashed_password VARCHAR NOT NULL,
    full_name VARCHAR,
    is_active BOOLEAN DEFAULT true,
    is_superuser BOOLEAN DEFAULT false,
    organization_id INTEGER,
    password_reset_token VARCHAR,
    password_reset_expires TIMESTAMP WITH TIME ZONE,
    is_email_verified BOOLEAN DEFAULT false NOT NULL,
    email_verification_token VARCHAR,
    email_verification_sent_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (id),
    FOREIGN KEY (organization_id) REFERENCES organizations (id)
);
CREATE INDEX ix_users_id ON users (id);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_organization_id ON users (organization_id);
CREATE INDEX ix_users_password_reset_token ON users (password_reset_token);
CREATE INDEX ix_users_email_verification_token ON users (email_verification_token);

CREATE TABLE candidates (
    id SERIAL NOT NULL,
    organization_id INTEGER,
    email VARCHAR,
    full_name VARCHAR,
    position VARCHAR,
    workable_candidate_id VARCHAR,
    workable_data JSON,
    cv_file_url VARCHAR,
    cv_filename VARCHAR,
    cv_text TEXT,
    cv_uploaded_at TIMESTAMP WITH TIME ZONE,
    job_spec_file_url VARCHAR,
    job_spec_filename VARCHAR,
    job_spec_text TEXT,
    job_spec_uploaded_at TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
    PRIMARY KEY (id),
    FOREIGN KEY (organization_id) REFERENCES organizations (id)
);
CREATE INDEX ix_candidates_id ON candidates (id);
CREATE INDEX ix_candidates_organization_id ON candidates (organization_id);
CREATE INDEX ix_candidates_email ON candidates (email);

CREATE TABLE tasks (
    id SERIAL NOT NULL,
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
    is_template BOOLEAN DEFAULT false,
    is_active BOOLEAN DEFAULT true,
    calibration_prompt TEXT,
    score_weights JSON,
    recruiter_weight_preset VARCHAR,
    proctoring_enabled BOOLEAN DEFAULT false,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (id),
    FOREIGN KEY (organization_id) REFERENCES organizations (id)
);
CREATE INDEX ix_tasks_id ON tasks (id);
CREATE INDEX ix_tasks_organization_id ON tasks (organization_id);

CREATE TABLE assessments (
    id SERIAL NOT NULL,
    organization_id INTEGER,
    candidate_id INTEGER,
    task_id INTEGER,
    token VARCHAR,
    status assessmentstatus DEFAULT 'PENDING',
    duration_minutes INTEGER DEFAULT 30,
    started_at TIMESTAMP WITH TIME ZONE,
    completed_at TIMESTAMP WITH TIME ZONE,
    expires_at TIMESTAMP WITH TIME ZONE,
    score DOUBLE PRECISION,
    tests_passed INTEGER,
    tests_total INTEGER,
    code_quality_score DOUBLE PRECISION,
    time_efficiency_score DOUBLE PRECISION,
    ai_usage_score DOUBLE PRECISION,
    test_results JSON,
    ai_prompts JSON,
    code_snapshots JSON,
    timeline JSON,
    e2b_session_id VARCHAR,
    workable_candidate_id VARCHAR,
    workable_job_id VARCHAR,
    posted_to_workable BOOLEAN DEFAULT false,
    posted_to_workable_at TIMESTAMP WITH TIME ZONE,
    prompt_quality_score DOUBLE PRECISION,
    prompt_efficiency_score DOUBLE PRECISION,
    independence_score DOUBLE PRECISION,
    context_utilization_score DOUBLE PRECISION,
    design_thinking_score DOUBLE PRECISION,
    debugging_strategy_score DOUBLE PRECISION,
    written_communication_score DOUBLE PRECISION,
    learning_velocity_score DOUBLE PRECISION,
    error_recovery_score DOUBLE PRECISION,
    requirement_comprehension_score DOUBLE PRECISION,
    calibration_score DOUBLE PRECISION,
    prompt_fraud_flags JSON,
    prompt_analytics JSON,
    browser_focus_ratio DOUBLE PRECISION,
    tab_switch_count INTEGER DEFAULT 0,
    time_to_first_prompt_seconds INTEGER,
    cv_file_url VARCHAR,
    cv_filename VARCHAR,
    cv_uploaded_at TIMESTAMP WITH TIME ZONE,
    final_score DOUBLE PRECISION,
    score_breakdown JSON,
    score_weights_used JSON,
    flags JSON,
    scored_at TIMESTAMP WITH TIME ZONE,
    total_duration_seconds INTEGER,
    total_prompts INTEGER,
    total_input_tokens INTEGER,
    total_output_tokens INTEGER,
    tests_run_count INTEGER,
    tests_pass_count INTEGER,
    cv_job_match_score DOUBLE PRECISION,
    cv_job_match_details JSON,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (id),
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
    id SERIAL NOT NULL,
    assessment_id INTEGER,
    session_start TIMESTAMP WITH TIME ZONE DEFAULT now(),
    session_end TIMESTAMP WITH TIME ZONE,
    keystrokes INTEGER DEFAULT 0,
    code_executions INTEGER DEFAULT 0,
    ai_requests INTEGER DEFAULT 0,
    activity_log JSON,
    PRIMARY KEY (id),
    FOREIGN KEY (assessment_id) REFERENCES assessments (id)
);
CREATE INDEX ix_assessment_sessions_id ON assessment_sessions (id);
