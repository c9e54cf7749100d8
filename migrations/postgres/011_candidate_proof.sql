-- Candidate proof binding (spec v2/identity-and-kept-routes.md §4.6, D31,
-- D32): the session and public key a HEAD-mode start binds an assessment
-- to, the single-use proof nonces, the clipboard flag of today's S1 body
-- (D28), and the per-organisation switch that refuses the legacy start.
-- Names and types are today's original's (its migrations 178 and 181), so
-- a database it migrated reads the same; IF NOT EXISTS throughout.

ALTER TABLE assessments ADD COLUMN IF NOT EXISTS candidate_session_hash VARCHAR(64);
ALTER TABLE assessments ADD COLUMN IF NOT EXISTS candidate_session_bound_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE assessments ADD COLUMN IF NOT EXISTS candidate_proof_key_id VARCHAR(43);
ALTER TABLE assessments ADD COLUMN IF NOT EXISTS candidate_proof_public_jwk JSON;
ALTER TABLE assessments ADD COLUMN IF NOT EXISTS candidate_proof_key_bound_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE assessments ADD COLUMN IF NOT EXISTS allow_external_clipboard BOOLEAN NOT NULL DEFAULT false;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ck_assessments_candidate_proof_key_complete') THEN
        ALTER TABLE assessments ADD CONSTRAINT ck_assessments_candidate_proof_key_complete CHECK (
            (candidate_proof_key_id IS NULL AND candidate_proof_public_jwk IS NULL
             AND candidate_proof_key_bound_at IS NULL)
            OR (candidate_proof_key_id IS NOT NULL AND candidate_proof_public_jwk IS NOT NULL
                AND candidate_proof_key_bound_at IS NOT NULL));
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS candidate_assessment_proof_nonces (
    id SERIAL NOT NULL,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    nonce VARCHAR(128) NOT NULL,
    key_id VARCHAR(43) NOT NULL,
    proof_timestamp BIGINT NOT NULL,
    consumed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    CONSTRAINT uq_candidate_assessment_proof_nonce UNIQUE (assessment_id, nonce)
);
CREATE INDEX IF NOT EXISTS ix_candidate_assessment_proof_nonces_assessment_id
    ON candidate_assessment_proof_nonces (assessment_id);

-- NULL: the deployment's CANDIDATE_PROOF_REQUIRED decides; true/false
-- override it for the organisation.
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS require_candidate_proof BOOLEAN;
