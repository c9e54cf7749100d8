-- Stripe webhook events already applied (owned by the stripe integration):
-- Stripe delivers an event at least once, so a redelivery is recognised by
-- its id and answered without applying it again.
CREATE TABLE IF NOT EXISTS stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT,
    received_at DATETIME NOT NULL
);
