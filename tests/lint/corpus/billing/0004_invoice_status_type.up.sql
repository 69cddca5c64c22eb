DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                   WHERE t.typname = 'invoice_status' AND n.nspname = 'billing') THEN
        CREATE TYPE billing.invoice_status AS ENUM ('draft', 'open', 'paid', 'void');
    END IF;
END
$$;
