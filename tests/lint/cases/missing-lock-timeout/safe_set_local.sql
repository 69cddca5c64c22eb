SET LOCAL lock_timeout TO '3s';
ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;
