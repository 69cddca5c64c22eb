SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN IF NOT EXISTS full_name text;
ALTER TABLE users DROP COLUMN IF EXISTS first_name; -- expect: mixed-phase
