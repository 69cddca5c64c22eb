SET lock_timeout = '5s';
-- numeric(12,2) -> numeric(14,2): same scale, more digits, no rewrite.
ALTER TABLE billing.invoice_lines ALTER COLUMN amount TYPE numeric(14, 2);
