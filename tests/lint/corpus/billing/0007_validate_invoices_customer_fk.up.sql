ALTER TABLE billing.invoices VALIDATE CONSTRAINT invoices_customer_fk;
