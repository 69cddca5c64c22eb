CREATE SEQUENCE IF NOT EXISTS billing.invoice_number_seq START 1000;

ALTER TABLE billing.invoices
    ADD COLUMN IF NOT EXISTS number bigint DEFAULT nextval('billing.invoice_number_seq');
