-- Messages kept locally when no mail provider is configured (owned by the
-- notifications component).
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    html TEXT NOT NULL,
    link VARCHAR,
    created_at DATETIME NOT NULL
);
