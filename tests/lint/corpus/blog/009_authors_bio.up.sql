SET lock_timeout = '2s';
ALTER TABLE authors ADD COLUMN IF NOT EXISTS bio text;
