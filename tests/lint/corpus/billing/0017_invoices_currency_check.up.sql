SET lock_timeout = '5s';
ALTER TABLE billing.invoices
    ADD CONSTRAINT invoices_currency_not_null CHECK (currency IS NOT NULL) NOT VALID;
