-- The hiring loop: see the PostgreSQL flavour.  JSON is JSON, times are
-- DATETIME "YYYY-MM-DD HH:MM:SS.ffffff" (UTC), as in the other SQLite
-- migrations.  SQLite cannot add a foreign key to an existing table:
-- assessments.role_id and application_id ride on REFERENCES in ADD COLUMN,
-- which SQLite accepts for columns whose default is NULL.

CREATE TABLE IF NOT EXISTS roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    name VARCHAR NOT NULL,
    description TEXT,
    job_spec_file_url VARCHAR,
    job_spec_filename VARCHAR,
    job_spec_text TEXT,
    job_spec_uploaded_at DATETIME,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME,
    interview_focus JSON,
    interview_focus_generated_at DATETIME,
    source VARCHAR NOT NULL,
    workable_job_id VARCHAR,
    workable_job_data JSON,
    deleted_at DATETIME,
    scoring_criteria JSON,
    reject_threshold INTEGER NOT NULL DEFAULT 60,
    screening_pack_template JSON,
    tech_interview_pack_template JSON,
    workable_actor_member_id VARCHAR,
    starred_for_auto_sync BOOLEAN NOT NULL DEFAULT 0,
    agentic_mode_enabled BOOLEAN NOT NULL DEFAULT 0,
    agent_action_allowlist JSON,
    agent_token_budget_per_cycle INTEGER,
    agent_decision_budget_per_cycle INTEGER,
    monthly_usd_budget_cents INTEGER,
    agent_paused_at DATETIME,
    agent_paused_reason TEXT,
    agent_last_run_at DATETIME,
    agent_calibration JSON,
    score_threshold INTEGER,
    agent_cohort_signals JSON,
    agent_cohort_signals_at DATETIME,
    agent_model VARCHAR,
    suppressed_org_criterion_ids JSON,
    auto_reject BOOLEAN NOT NULL DEFAULT 0,
    auto_promote BOOLEAN NOT NULL DEFAULT 0,
    auto_reject_threshold_mode VARCHAR NOT NULL DEFAULT 'auto',
    tech_questions_cached JSON,
    tech_questions_cached_at DATETIME,
    tech_questions_signature VARCHAR,
    star_auto_managed BOOLEAN NOT NULL DEFAULT 0,
    workable_stages JSON,
    workable_stages_synced_at DATETIME,
    job_status VARCHAR,
    auto_skip_assessment BOOLEAN NOT NULL DEFAULT 0,
    auto_reject_pre_screen BOOLEAN NOT NULL DEFAULT 0,
    bullhorn_job_order_id VARCHAR,
    bullhorn_job_data JSON,
    employment_type VARCHAR,
    workplace_type VARCHAR,
    location_city VARCHAR,
    location_country VARCHAR,
    department VARCHAR,
    salary_min INTEGER,
    salary_max INTEGER,
    salary_currency VARCHAR,
    salary_period VARCHAR,
    agent_bootstrap_status VARCHAR,
    agent_bootstrap_error TEXT,
    agent_bootstrap_started_at DATETIME,
    agent_bootstrap_completed_at DATETIME,
    assessment_task_provisioning JSON,
    auto_send_assessment BOOLEAN,
    auto_resend_assessment BOOLEAN,
    auto_advance BOOLEAN,
    role_kind VARCHAR NOT NULL DEFAULT 'standard',
    ats_owner_role_id INTEGER REFERENCES roles (id) ON DELETE SET NULL,
    job_spec_manually_edited_at DATETIME,
    version INTEGER NOT NULL DEFAULT 1,
    related_source_role_id INTEGER REFERENCES roles (id) ON DELETE SET NULL,
    CONSTRAINT ck_roles_related_links_sister CHECK (
        (ats_owner_role_id IS NULL AND related_source_role_id IS NULL) OR role_kind = 'sister')
);
CREATE INDEX IF NOT EXISTS ix_roles_id ON roles (id);
CREATE INDEX IF NOT EXISTS ix_roles_organization_id ON roles (organization_id);
CREATE INDEX IF NOT EXISTS ix_roles_job_status ON roles (job_status);
CREATE INDEX IF NOT EXISTS ix_roles_role_kind ON roles (role_kind);
CREATE INDEX IF NOT EXISTS ix_roles_starred_for_auto_sync ON roles (starred_for_auto_sync);
CREATE INDEX IF NOT EXISTS ix_roles_agentic_mode_enabled ON roles (agentic_mode_enabled);
CREATE INDEX IF NOT EXISTS ix_roles_ats_owner_role_id ON roles (ats_owner_role_id);
CREATE INDEX IF NOT EXISTS ix_roles_related_source_role_id ON roles (related_source_role_id);
CREATE INDEX IF NOT EXISTS ix_roles_workable_job_id ON roles (workable_job_id);
CREATE INDEX IF NOT EXISTS ix_roles_bullhorn_job_order_id ON roles (bullhorn_job_order_id);
CREATE UNIQUE INDEX IF NOT EXISTS uq_roles_org_workable_job ON roles (organization_id, workable_job_id);
CREATE UNIQUE INDEX IF NOT EXISTS uq_roles_org_bullhorn_job_order ON roles (organization_id, bullhorn_job_order_id);

CREATE TABLE IF NOT EXISTS role_tasks (
    role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    PRIMARY KEY (role_id, task_id)
);

CREATE TABLE IF NOT EXISTS job_hiring_team (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_role VARCHAR NOT NULL DEFAULT 'interviewer',
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    CONSTRAINT uq_job_hiring_team_role_user UNIQUE (role_id, user_id)
);
CREATE INDEX IF NOT EXISTS ix_job_hiring_team_organization_id ON job_hiring_team (organization_id);
CREATE INDEX IF NOT EXISTS ix_job_hiring_team_role ON job_hiring_team (role_id);
CREATE INDEX IF NOT EXISTS ix_job_hiring_team_user ON job_hiring_team (user_id);

CREATE TABLE IF NOT EXISTS role_change_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL,
    role_id INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action VARCHAR NOT NULL,
    from_version INTEGER NOT NULL CHECK (from_version >= 0),
    to_version INTEGER NOT NULL,
    changes JSON NOT NULL,
    reason TEXT,
    request_id VARCHAR,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    CHECK (to_version > from_version)
);
CREATE INDEX IF NOT EXISTS ix_role_change_events_organization_id ON role_change_events (organization_id);
CREATE INDEX IF NOT EXISTS ix_role_change_events_role_id ON role_change_events (role_id);
CREATE INDEX IF NOT EXISTS ix_role_change_events_actor_user_id ON role_change_events (actor_user_id);
CREATE INDEX IF NOT EXISTS ix_role_change_events_action ON role_change_events (action);
CREATE INDEX IF NOT EXISTS ix_role_change_events_created_at ON role_change_events (created_at);
CREATE INDEX IF NOT EXISTS ix_role_change_events_request_id ON role_change_events (request_id);
CREATE INDEX IF NOT EXISTS ix_role_change_events_org_role_created
    ON role_change_events (organization_id, role_id, created_at);

CREATE TABLE IF NOT EXISTS role_feedback_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    role_id INTEGER NOT NULL REFERENCES roles (id),
    author_user_id INTEGER REFERENCES users (id),
    note TEXT NOT NULL,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX IF NOT EXISTS ix_role_feedback_notes_organization_id ON role_feedback_notes (organization_id);
CREATE INDEX IF NOT EXISTS ix_role_feedback_notes_role_id ON role_feedback_notes (role_id);
CREATE INDEX IF NOT EXISTS ix_role_feedback_notes_role_created ON role_feedback_notes (role_id, created_at);

CREATE TABLE IF NOT EXISTS org_criteria (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    ordering INTEGER NOT NULL DEFAULT 0,
    weight FLOAT NOT NULL DEFAULT 1.0,
    bucket VARCHAR NOT NULL DEFAULT 'preferred',
    text TEXT NOT NULL,
    deleted_at DATETIME,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME
);
CREATE INDEX IF NOT EXISTS ix_org_criteria_id ON org_criteria (id);
CREATE INDEX IF NOT EXISTS ix_org_criteria_organization_id ON org_criteria (organization_id);

CREATE TABLE IF NOT EXISTS role_criteria (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    source VARCHAR NOT NULL DEFAULT 'recruiter',
    ordering INTEGER NOT NULL DEFAULT 0,
    weight FLOAT NOT NULL DEFAULT 1.0,
    must_have BOOLEAN NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    deleted_at DATETIME,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME,
    bucket VARCHAR NOT NULL DEFAULT 'preferred',
    org_criterion_id INTEGER REFERENCES org_criteria (id) ON DELETE SET NULL,
    customized_at DATETIME
);
CREATE INDEX IF NOT EXISTS ix_role_criteria_id ON role_criteria (id);
CREATE INDEX IF NOT EXISTS ix_role_criteria_role_id ON role_criteria (role_id);
CREATE INDEX IF NOT EXISTS ix_role_criteria_org_criterion_id ON role_criteria (org_criterion_id);

CREATE TABLE IF NOT EXISTS candidate_applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    role_id INTEGER NOT NULL REFERENCES roles (id),
    status VARCHAR NOT NULL,
    notes TEXT,
    cv_file_url VARCHAR,
    cv_filename VARCHAR,
    cv_text TEXT,
    cv_uploaded_at DATETIME,
    created_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME,
    cv_match_score FLOAT,
    cv_match_details JSON,
    cv_match_scored_at DATETIME,
    source VARCHAR NOT NULL,
    workable_candidate_id VARCHAR,
    workable_stage VARCHAR,
    workable_score_raw FLOAT,
    workable_score FLOAT,
    workable_score_source VARCHAR,
    rank_score FLOAT,
    last_synced_at DATETIME,
    deleted_at DATETIME,
    workable_sourced BOOLEAN,
    workable_profile_url VARCHAR,
    pipeline_stage VARCHAR NOT NULL,
    pipeline_stage_updated_at DATETIME NOT NULL,
    pipeline_stage_source VARCHAR NOT NULL,
    application_outcome VARCHAR NOT NULL,
    application_outcome_updated_at DATETIME NOT NULL,
    external_refs JSON,
    external_stage_raw VARCHAR,
    external_stage_normalized VARCHAR,
    integration_sync_state JSON,
    version INTEGER NOT NULL,
    taali_score_cache_100 FLOAT,
    assessment_score_cache_100 FLOAT,
    role_fit_score_cache_100 FLOAT,
    score_mode_cache VARCHAR,
    score_cached_at DATETIME,
    pre_screen_score_100 FLOAT,
    requirements_fit_score_100 FLOAT,
    pre_screen_recommendation VARCHAR,
    pre_screen_evidence JSON,
    auto_reject_state VARCHAR,
    auto_reject_reason TEXT,
    auto_reject_triggered_at DATETIME,
    screening_pack JSON,
    tech_interview_pack JSON,
    screening_interview_summary JSON,
    tech_interview_summary JSON,
    interview_evidence_summary JSON,
    cv_sections JSON,
    pre_screen_run_at DATETIME,
    pre_screen_error_reason TEXT,
    workable_disqualified BOOLEAN,
    workable_disqualified_at DATETIME,
    genuine_pre_screen_score_100 FLOAT,
    workable_stage_local_write_at DATETIME,
    manual_decision JSON,
    workable_answers JSON,
    workable_comments JSON,
    workable_activities JSON,
    workable_created_at DATETIME,
    bullhorn_job_submission_id VARCHAR,
    bullhorn_status VARCHAR,
    bullhorn_status_local_write_at DATETIME,
    source_strategy VARCHAR,
    source_name VARCHAR,
    credited_to_user_id INTEGER REFERENCES users (id),
    screening_answers JSON,
    eeo_token VARCHAR,
    CONSTRAINT uq_candidate_role_application UNIQUE (candidate_id, role_id)
);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_id ON candidate_applications (id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_candidate_id ON candidate_applications (candidate_id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_role_id ON candidate_applications (role_id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_deleted_at ON candidate_applications (deleted_at);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_cv_uploaded_at ON candidate_applications (cv_uploaded_at);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_workable_candidate_id
    ON candidate_applications (workable_candidate_id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_bullhorn_job_submission_id
    ON candidate_applications (bullhorn_job_submission_id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_id ON candidate_applications (organization_id);
CREATE UNIQUE INDEX IF NOT EXISTS ix_candidate_applications_eeo_token ON candidate_applications (eeo_token);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_outcome_pre_screen_sort ON candidate_applications
    (organization_id, deleted_at, application_outcome, pre_screen_score_100, pipeline_stage_updated_at, id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_outcome_stage ON candidate_applications
    (organization_id, deleted_at, application_outcome, pipeline_stage, pipeline_stage_updated_at, id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_outcome_taali_sort ON candidate_applications
    (organization_id, deleted_at, application_outcome, taali_score_cache_100, pipeline_stage_updated_at, id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_role_outcome_deleted ON candidate_applications
    (organization_id, role_id, deleted_at, application_outcome);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_role_outcome_pre_screen_sort ON candidate_applications
    (organization_id, role_id, deleted_at, application_outcome, pre_screen_score_100, pipeline_stage_updated_at, id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_role_outcome_stage ON candidate_applications
    (organization_id, role_id, deleted_at, application_outcome, pipeline_stage, pipeline_stage_updated_at, id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_role_outcome_taali_sort ON candidate_applications
    (organization_id, role_id, deleted_at, application_outcome, taali_score_cache_100, pipeline_stage_updated_at, id);
CREATE INDEX IF NOT EXISTS ix_candidate_applications_org_role_status ON candidate_applications
    (organization_id, role_id, status);

CREATE TABLE IF NOT EXISTS candidate_application_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES candidate_applications (id),
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    event_type VARCHAR NOT NULL,
    from_stage VARCHAR,
    to_stage VARCHAR,
    from_outcome VARCHAR,
    to_outcome VARCHAR,
    actor_type VARCHAR NOT NULL DEFAULT 'system',
    actor_id INTEGER,
    reason TEXT,
    metadata JSON,
    idempotency_key VARCHAR,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    role_id INTEGER REFERENCES roles (id),
    agent_decision_id BIGINT,
    target_stage VARCHAR,
    effect_status VARCHAR,
    CONSTRAINT uq_application_event_idempotency_key UNIQUE (application_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS ix_candidate_application_events_application_id
    ON candidate_application_events (application_id);
CREATE INDEX IF NOT EXISTS ix_candidate_application_events_organization_id
    ON candidate_application_events (organization_id);
CREATE INDEX IF NOT EXISTS ix_candidate_application_events_role_id ON candidate_application_events (role_id);
CREATE INDEX IF NOT EXISTS ix_candidate_application_events_agent_decision_id
    ON candidate_application_events (agent_decision_id);
CREATE INDEX IF NOT EXISTS ix_application_events_org_role_created
    ON candidate_application_events (organization_id, role_id, created_at);
CREATE INDEX IF NOT EXISTS ix_candidate_application_events_org_app_created
    ON candidate_application_events (organization_id, application_id, created_at, id);

CREATE TABLE IF NOT EXISTS application_interviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    application_id INTEGER NOT NULL REFERENCES candidate_applications (id),
    stage VARCHAR NOT NULL DEFAULT 'screening',
    source VARCHAR NOT NULL DEFAULT 'manual',
    provider VARCHAR,
    provider_meeting_id VARCHAR,
    provider_url VARCHAR,
    status VARCHAR NOT NULL DEFAULT 'linked',
    transcript_text TEXT,
    summary JSON,
    speakers JSON,
    provider_payload JSON,
    meeting_date DATETIME,
    linked_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME
);
CREATE INDEX IF NOT EXISTS ix_application_interviews_application_id ON application_interviews (application_id);
CREATE INDEX IF NOT EXISTS ix_application_interviews_organization_id ON application_interviews (organization_id);
CREATE INDEX IF NOT EXISTS ix_application_interviews_provider_meeting_id
    ON application_interviews (provider_meeting_id);

CREATE TABLE IF NOT EXISTS interview_feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    application_id INTEGER NOT NULL REFERENCES candidate_applications (id),
    role_id INTEGER NOT NULL REFERENCES roles (id),
    interviewer_user_id INTEGER REFERENCES users (id),
    interviewer_name VARCHAR,
    interview_round VARCHAR NOT NULL DEFAULT 'interview',
    overall_recommendation VARCHAR NOT NULL,
    dimension_ratings JSON,
    probe_results JSON,
    notes TEXT,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    submitted_at DATETIME,
    overall_rating INTEGER,
    competencies JSON,
    interview_id INTEGER REFERENCES application_interviews (id)
);
CREATE INDEX IF NOT EXISTS ix_interview_feedback_id ON interview_feedback (id);
CREATE INDEX IF NOT EXISTS ix_interview_feedback_application_id ON interview_feedback (application_id);
CREATE INDEX IF NOT EXISTS ix_interview_feedback_organization_id ON interview_feedback (organization_id);
CREATE INDEX IF NOT EXISTS ix_interview_feedback_role_id ON interview_feedback (role_id);

CREATE TABLE IF NOT EXISTS share_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    application_id INTEGER NOT NULL REFERENCES candidate_applications (id) ON DELETE CASCADE,
    created_by_user_id INTEGER REFERENCES users (id),
    token VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    expires_at DATETIME NOT NULL,
    expiry_preset VARCHAR,
    revoked_at DATETIME,
    view_count INTEGER NOT NULL DEFAULT 0,
    last_viewed_at DATETIME,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    view_role_id INTEGER REFERENCES roles (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_share_links_id ON share_links (id);
CREATE INDEX IF NOT EXISTS ix_share_links_application_id ON share_links (application_id);
CREATE INDEX IF NOT EXISTS ix_share_links_organization_id ON share_links (organization_id);
CREATE INDEX IF NOT EXISTS ix_share_links_view_role_id ON share_links (view_role_id);
CREATE UNIQUE INDEX IF NOT EXISTS ix_share_links_token ON share_links (token);

CREATE TABLE IF NOT EXISTS submittal_packs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    role_id INTEGER NOT NULL REFERENCES roles (id),
    created_by_user_id INTEGER REFERENCES users (id),
    token VARCHAR NOT NULL,
    title VARCHAR,
    snapshot JSON NOT NULL,
    expires_at DATETIME,
    revoked_at DATETIME,
    view_count INTEGER NOT NULL DEFAULT 0,
    last_viewed_at DATETIME,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX IF NOT EXISTS ix_submittal_packs_id ON submittal_packs (id);
CREATE INDEX IF NOT EXISTS ix_submittal_packs_organization_id ON submittal_packs (organization_id);
CREATE INDEX IF NOT EXISTS ix_submittal_packs_role_id ON submittal_packs (role_id);
CREATE UNIQUE INDEX IF NOT EXISTS ix_submittal_packs_token ON submittal_packs (token);

CREATE TABLE IF NOT EXISTS top_candidates_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    created_by_user_id INTEGER REFERENCES users (id),
    role_id INTEGER REFERENCES roles (id) ON DELETE SET NULL,
    token VARCHAR NOT NULL,
    query VARCHAR,
    snapshot JSON NOT NULL,
    expires_at DATETIME,
    revoked_at DATETIME,
    view_count INTEGER NOT NULL DEFAULT 0,
    last_viewed_at DATETIME,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')
);
CREATE INDEX IF NOT EXISTS ix_top_candidates_reports_organization_id ON top_candidates_reports (organization_id);
CREATE UNIQUE INDEX IF NOT EXISTS ix_top_candidates_reports_token ON top_candidates_reports (token);

-- §12.5: the links of an assessment to the hiring loop, and retake voiding.
ALTER TABLE assessments ADD COLUMN role_id INTEGER REFERENCES roles (id);
ALTER TABLE assessments ADD COLUMN application_id INTEGER REFERENCES candidate_applications (id);
ALTER TABLE assessments ADD COLUMN is_voided BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE assessments ADD COLUMN voided_at DATETIME;
ALTER TABLE assessments ADD COLUMN void_reason TEXT;
ALTER TABLE assessments ADD COLUMN superseded_by_assessment_id INTEGER;
CREATE INDEX IF NOT EXISTS ix_assessments_role_id ON assessments (role_id);
CREATE INDEX IF NOT EXISTS ix_assessments_application_id ON assessments (application_id);
CREATE UNIQUE INDEX IF NOT EXISTS uq_assessments_candidate_role_active ON assessments (candidate_id, role_id)
    WHERE role_id IS NOT NULL AND is_voided = 0;

-- §12.5: people can be soft-deleted (erased); every application reader
-- skips them.
ALTER TABLE candidates ADD COLUMN deleted_at DATETIME;
