CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);
CREATE INDEX IF NOT EXISTS idx_invoices_id ON invoices (id);
CREATE SEQUENCE IF NOT EXISTS invoice_numbers;
CREATE SCHEMA IF NOT EXISTS billing;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE OR REPLACE VIEW v_invoices AS SELECT id FROM invoices;
CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
DROP TABLE IF EXISTS legacy;
DROP INDEX IF EXISTS idx_legacy;
DROP TRIGGER IF EXISTS trg_touch ON users;
ALTER TABLE users ADD COLUMN IF NOT EXISTS locale text;
ALTER TABLE users DROP COLUMN IF EXISTS legacy;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_legacy_check;
-- No IF NOT EXISTS exists for these: nothing to advise.
CREATE TYPE invoice_state AS ENUM ('draft', 'sent');
CREATE TRIGGER trg_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE users ADD CONSTRAINT users_locale_check CHECK (locale <> '') NOT VALID;
CREATE TEMP TABLE scratch (id int);
-- Dropped first with IF EXISTS: the CREATE after it is repeatable.
DROP VIEW IF EXISTS v_totals;
CREATE VIEW v_totals AS SELECT 1 AS n;
-- Statements inside DO blocks usually guard themselves (EXCEPTION, IF NOT EXISTS (SELECT ...)).
DO $$ BEGIN
    CREATE TYPE invoice_kind AS ENUM ('a', 'b');
    CREATE TABLE guarded (id int);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
-- ALTER TABLE sub-commands are not CREATE or DROP statements: not this rule's, guarded or not.
ALTER TABLE users ADD COLUMN locale text;
ALTER TABLE users DROP COLUMN legacy;
ALTER TABLE users DROP CONSTRAINT users_legacy_check;
