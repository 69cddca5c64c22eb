CREATE TABLE IF NOT EXISTS billing.credit_notes (
    id          bigserial PRIMARY KEY,
    invoice_id  bigint NOT NULL REFERENCES billing.invoices (id),
    amount      numeric(12, 2) NOT NULL CHECK (amount > 0),
    reason      text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS credit_notes_invoice_idx ON billing.credit_notes (invoice_id);
