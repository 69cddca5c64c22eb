SET lock_timeout = '5s';
SET statement_timeout = '15min';
ALTER TABLE users ADD COLUMN IF NOT EXISTS locale text;
CREATE INDEX IF NOT EXISTS idx_users_locale ON users (locale);
