CREATE SCHEMA IF NOT EXISTS billing;

CREATE TABLE IF NOT EXISTS billing.invoices (
    id           bigserial PRIMARY KEY,
    customer_id  bigint NOT NULL,
    currency     char(3),
    issued_at    timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS billing.invoice_lines (
    id          bigserial PRIMARY KEY,
    invoice_id  bigint NOT NULL REFERENCES billing.invoices (id) ON DELETE CASCADE,
    description text NOT NULL,
    quantity    integer NOT NULL DEFAULT 1,
    amount      numeric(12, 2) NOT NULL
);

CREATE INDEX IF NOT EXISTS invoice_lines_invoice_idx ON billing.invoice_lines (invoice_id);
