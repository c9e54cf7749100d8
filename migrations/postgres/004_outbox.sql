-- Messages kept locally when no mail provider is configured (owned by the
-- notifications component).
CREATE TABLE IF NOT EXISTS outbox (
    id SERIAL PRIMARY KEY,
    recipient VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    html TEXT NOT NULL,
    link VARCHAR,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
