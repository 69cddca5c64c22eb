SET lock_timeout = '5s';
-- On the parent only: each partition gets its index concurrently in the next migrations.
CREATE INDEX IF NOT EXISTS audit_log_tenant_idx ON ONLY audit_log (tenant_id, created_at);
