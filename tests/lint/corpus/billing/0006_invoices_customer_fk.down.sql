ALTER TABLE billing.invoices DROP CONSTRAINT IF EXISTS invoices_customer_fk;
