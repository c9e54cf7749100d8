-- The durable job queue drained by `tali worker` (platform/jobs).  Workers
-- claim the oldest due queued row with FOR UPDATE SKIP LOCKED; the index
-- serves exactly that lookup.

CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload JSON NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 4,
    run_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    locked_at TIMESTAMP WITH TIME ZONE,
    locked_by TEXT,
    last_error TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX ix_jobs_state_run_at ON jobs (state, run_at);
