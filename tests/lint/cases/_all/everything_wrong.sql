ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL; -- expect: missing-lock-timeout, add-column-not-null-no-default
CREATE INDEX idx_users_tenant ON users (tenant_id); -- expect: index-not-concurrent, non-idempotent
ALTER TABLE users ADD CONSTRAINT users_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id); -- expect: constraint-not-valid
UPDATE users SET tenant_id = 1; -- expect: unbounded-dml
ALTER TABLE users DROP COLUMN org_id; -- expect: drop-column, contract-without-tag, mixed-phase
