-- Reported once per file, at the first statement that needs the timeout.
ALTER TABLE users ADD COLUMN IF NOT EXISTS locale text; -- expect: missing-lock-timeout
CREATE INDEX IF NOT EXISTS idx_users_locale ON users (locale);
