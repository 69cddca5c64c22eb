CREATE TABLE memberships (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_email  text NOT NULL,
    role        text,
    legacy_role text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX memberships_tenant_idx ON memberships (tenant_id);
