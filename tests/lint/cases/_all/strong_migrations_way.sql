-- lockgate:no-transaction
-- The safe sequence, step by step, in a no-transaction migration.
SET lock_timeout = '5s';
SET statement_timeout = 0;
ALTER TABLE users ADD COLUMN IF NOT EXISTS tenant_id bigint;
ALTER TABLE users ALTER COLUMN tenant_id SET DEFAULT 1;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_tenant ON users (tenant_id);
ALTER TABLE users ADD CONSTRAINT users_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_tenant_fk;
UPDATE users SET tenant_id = 1 WHERE tenant_id IS NULL AND id BETWEEN 1 AND 50000;
ALTER TABLE users ADD CONSTRAINT users_tenant_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_tenant_not_null;
ALTER TABLE users ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_tenant_not_null;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_tenant_email_key ON users (tenant_id, email);
ALTER TABLE users ADD CONSTRAINT users_tenant_email_key UNIQUE USING INDEX users_tenant_email_key;
