SELECT set_config('lock_timeout', '4s', true);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;
