-- Renaming things running code does not name, or tables this file created.
ALTER INDEX idx_users_email RENAME TO users_email_idx;
ALTER TABLE users RENAME CONSTRAINT users_email_check TO users_email_format;
ALTER SEQUENCE users_id_seq RENAME TO accounts_id_seq;
CREATE TABLE IF NOT EXISTS users_new (id bigint, name text);
ALTER TABLE users_new RENAME COLUMN name TO full_name;
ALTER TABLE users_new RENAME TO users_v2;
ALTER TABLE users_v2 RENAME COLUMN full_name TO display_name;
