SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN IF NOT EXISTS marketing_opt_in BOOLEAN;
UPDATE users SET marketing_opt_in = false;
