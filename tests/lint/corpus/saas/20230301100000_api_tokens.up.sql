CREATE TABLE IF NOT EXISTS api_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    token_hash  bytea NOT NULL UNIQUE,
    label       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE INDEX IF NOT EXISTS api_tokens_tenant_idx ON api_tokens (tenant_id) WHERE revoked_at IS NULL;
