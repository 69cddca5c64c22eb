SET lock_timeout = '5s';
ALTER TABLE billing.invoice_lines ALTER COLUMN quantity TYPE bigint;
