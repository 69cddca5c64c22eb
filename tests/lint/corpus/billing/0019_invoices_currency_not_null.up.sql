SET lock_timeout = '5s';
-- Uses the validated CHECK from 0017/0018: no table scan (PostgreSQL 12+).
ALTER TABLE billing.invoices ALTER COLUMN currency SET NOT NULL;
ALTER TABLE billing.invoices DROP CONSTRAINT IF EXISTS invoices_currency_not_null;
