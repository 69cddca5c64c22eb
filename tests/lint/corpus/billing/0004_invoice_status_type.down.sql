DROP TYPE IF EXISTS billing.invoice_status;
