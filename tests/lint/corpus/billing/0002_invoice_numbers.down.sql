ALTER TABLE billing.invoices DROP COLUMN IF EXISTS number;
DROP SEQUENCE IF EXISTS billing.invoice_number_seq;
