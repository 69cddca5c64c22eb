ALTER TABLE billing.invoices ALTER COLUMN currency DROP NOT NULL;
