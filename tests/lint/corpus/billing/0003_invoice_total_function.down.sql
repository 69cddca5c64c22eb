DROP FUNCTION IF EXISTS billing.invoice_total(bigint);
