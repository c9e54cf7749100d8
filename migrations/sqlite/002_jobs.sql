-- The durable job queue drained by `tali worker` (platform/jobs); see the
-- PostgreSQL flavour.  Times are text "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload JSON NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 4,
    run_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    locked_at DATETIME,
    locked_by TEXT,
    last_error TEXT,
    created_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    updated_at DATETIME
);
CREATE INDEX ix_jobs_state_run_at ON jobs (state, run_at);
