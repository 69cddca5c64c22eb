-- Statements that only take weak locks, or work on new tables, need no timeout.
CREATE TABLE IF NOT EXISTS audit_log (id bigint PRIMARY KEY, body jsonb);
CREATE INDEX IF NOT EXISTS idx_audit_log_body ON audit_log USING gin (body);
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS at timestamptz;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
ALTER TABLE orders SET (fillfactor = 90);
ALTER TABLE orders ALTER COLUMN status SET STATISTICS 500;
INSERT INTO settings (key, value) VALUES ('x', 'y') ON CONFLICT DO NOTHING;
UPDATE settings SET value = 'z' WHERE key = 'x';
COMMENT ON TABLE orders IS 'ALTER TABLE orders DROP COLUMN x';
GRANT SELECT ON orders TO reporting;
