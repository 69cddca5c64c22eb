CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY);
DROP TABLE IF EXISTS old_notes; -- expect: missing-lock-timeout
SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN IF NOT EXISTS note_id bigint;
