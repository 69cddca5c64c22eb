CREATE TABLE IF NOT EXISTS billing.audit (
    id          bigserial PRIMARY KEY,
    invoice_id  bigint NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    old_row     jsonb,
    new_row     jsonb
);

CREATE OR REPLACE FUNCTION billing.audit_invoice() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO billing.audit (invoice_id, old_row, new_row)
    VALUES (NEW.id, to_jsonb(OLD), to_jsonb(NEW));
    RETURN NEW;
END;
$$;

CREATE TRIGGER invoices_audit
    AFTER UPDATE ON billing.invoices
    FOR EACH ROW EXECUTE FUNCTION billing.audit_invoice();
