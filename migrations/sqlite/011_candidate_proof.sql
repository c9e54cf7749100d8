-- Candidate proof binding (spec v2/identity-and-kept-routes.md §4.6, D31,
-- D32): the session and public key a HEAD-mode start binds an assessment
-- to, the single-use proof nonces, the clipboard flag of today's S1 body
-- (D28), and the per-organisation switch that refuses the legacy start.
-- See the PostgreSQL flavour; SQLite ignores VARCHAR lengths, so none are
-- written.  JSON is text, times are text "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
-- SQLite cannot add a table constraint to an existing table: the check
-- "all three proof-key columns or none" rides on the last of them.

ALTER TABLE assessments ADD COLUMN candidate_session_hash VARCHAR;
ALTER TABLE assessments ADD COLUMN candidate_session_bound_at DATETIME;
ALTER TABLE assessments ADD COLUMN candidate_proof_key_id VARCHAR;
ALTER TABLE assessments ADD COLUMN candidate_proof_public_jwk JSON;
ALTER TABLE assessments ADD COLUMN candidate_proof_key_bound_at DATETIME
    CONSTRAINT ck_assessments_candidate_proof_key_complete CHECK (
        (candidate_proof_key_id IS NULL AND candidate_proof_public_jwk IS NULL
         AND candidate_proof_key_bound_at IS NULL)
        OR (candidate_proof_key_id IS NOT NULL AND candidate_proof_public_jwk IS NOT NULL
            AND candidate_proof_key_bound_at IS NOT NULL));
ALTER TABLE assessments ADD COLUMN allow_external_clipboard BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE candidate_assessment_proof_nonces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    nonce VARCHAR NOT NULL,
    key_id VARCHAR NOT NULL,
    proof_timestamp BIGINT NOT NULL,
    consumed_at DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    CONSTRAINT uq_candidate_assessment_proof_nonce UNIQUE (assessment_id, nonce)
);
CREATE INDEX ix_candidate_assessment_proof_nonces_assessment_id
    ON candidate_assessment_proof_nonces (assessment_id);

-- NULL: the deployment's CANDIDATE_PROOF_REQUIRED decides; 1/0 override it.
ALTER TABLE organizations ADD COLUMN require_candidate_proof BOOLEAN;
