DO $$
BEGIN
    ALTER TABLE billing.invoices
        ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
EXCEPTION
    WHEN duplicate_object THEN NULL;
END
$$;
