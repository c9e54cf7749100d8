-- The recruiter lists (candidates, assessments) are paged newest first
-- within one organisation: an index in that order lets the database read
-- one page instead of sorting every row of the organisation.
CREATE INDEX IF NOT EXISTS ix_candidates_org_created ON candidates (organization_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_assessments_org_created ON assessments (organization_id, created_at DESC, id DESC);
