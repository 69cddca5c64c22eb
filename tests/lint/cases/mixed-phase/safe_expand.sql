CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN IF NOT EXISTS invoice_email text;
UPDATE users SET invoice_email = email WHERE invoice_email IS NULL AND id < 1000;
DROP INDEX CONCURRENTLY IF EXISTS idx_unused;
