SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN IF NOT EXISTS a text;
RESET lock_timeout;
ALTER TABLE users RENAME COLUMN b TO c; -- expect: missing-lock-timeout
