SET lock_timeout = '5s';
ALTER TABLE billing.invoices
    ADD COLUMN IF NOT EXISTS status billing.invoice_status NOT NULL DEFAULT 'draft';
