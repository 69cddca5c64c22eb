CREATE TABLE invoices (id bigint PRIMARY KEY); -- expect: non-idempotent
CREATE INDEX idx_invoices_id ON invoices (id); -- expect: non-idempotent
CREATE INDEX ON invoices ((id + 1)); -- expect: non-idempotent
CREATE SEQUENCE invoice_numbers; -- expect: non-idempotent
CREATE SCHEMA billing; -- expect: non-idempotent
CREATE EXTENSION pgcrypto; -- expect: non-idempotent
CREATE VIEW v_invoices AS SELECT id FROM invoices; -- expect: non-idempotent
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; -- expect: non-idempotent
DROP TABLE legacy; -- expect: non-idempotent
DROP INDEX idx_legacy; -- expect: non-idempotent
DROP TRIGGER trg_touch ON users; -- expect: non-idempotent
