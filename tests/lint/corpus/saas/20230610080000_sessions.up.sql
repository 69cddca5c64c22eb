CREATE UNLOGGED TABLE IF NOT EXISTS sessions (
    id          text PRIMARY KEY,
    tenant_id   uuid NOT NULL,
    data        jsonb NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expires_idx ON sessions (expires_at);
