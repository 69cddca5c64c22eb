SET lock_timeout = '5s';
ALTER TABLE billing.invoices ADD COLUMN IF NOT EXISTS tax_rate_id integer;
ALTER TABLE billing.invoices
    ADD CONSTRAINT invoices_tax_rate_fk FOREIGN KEY (tax_rate_id) REFERENCES billing.tax_rates (id);
