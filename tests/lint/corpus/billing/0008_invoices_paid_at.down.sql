ALTER TABLE billing.invoices DROP COLUMN IF EXISTS paid_at;
