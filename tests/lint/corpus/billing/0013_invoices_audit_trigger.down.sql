DROP TRIGGER IF EXISTS invoices_audit ON billing.invoices;
DROP FUNCTION IF EXISTS billing.audit_invoice();
DROP TABLE IF EXISTS billing.audit;
