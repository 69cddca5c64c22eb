ALTER TABLE billing.invoices DROP COLUMN IF EXISTS tax_rate_id;
