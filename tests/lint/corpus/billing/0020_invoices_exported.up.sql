SET lock_timeout = '5s';
ALTER TABLE billing.invoices ADD COLUMN IF NOT EXISTS exported boolean NOT NULL DEFAULT false;
-- Everything before the new exporter counts as exported.
UPDATE billing.invoices SET exported = true;
