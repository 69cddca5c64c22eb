ALTER TABLE billing.invoices DROP CONSTRAINT IF EXISTS invoices_currency_not_null;
