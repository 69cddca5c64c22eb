-- Dropping what the file itself recreates, or creates, or what holds no data.
DROP VIEW IF EXISTS v_active_users;
CREATE VIEW v_active_users AS SELECT id FROM users WHERE active;
DROP FUNCTION IF EXISTS touch_updated_at();
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TABLE IF NOT EXISTS tmp_import (id int);
DROP TABLE tmp_import;
DROP INDEX CONCURRENTLY IF EXISTS idx_unused;
DROP TRIGGER IF EXISTS trg_old ON users;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_old_check;
ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;
-- DROP TABLE users;
SELECT 'TRUNCATE users';
