-- lockgate:no-transaction
ALTER TABLE billing.invoices VALIDATE CONSTRAINT invoices_currency_not_null;
