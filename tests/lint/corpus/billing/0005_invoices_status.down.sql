ALTER TABLE billing.invoices DROP COLUMN IF EXISTS status;
