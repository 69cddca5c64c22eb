SET lock_timeout = '5s';
ALTER TABLE billing.invoices ADD COLUMN IF NOT EXISTS paid_at timestamptz;

UPDATE billing.invoices
SET    paid_at = updated_at
WHERE  status = 'paid' AND paid_at IS NULL;
