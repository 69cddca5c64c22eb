-- A rename breaks running code like a drop does.
CREATE TABLE IF NOT EXISTS user_emails (user_id bigint, email text);
ALTER TABLE users RENAME COLUMN mail TO email_legacy; -- expect: mixed-phase
