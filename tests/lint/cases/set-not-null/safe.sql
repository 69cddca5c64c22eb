-- A validated CHECK (col IS NOT NULL) lets PostgreSQL 12+ skip the scan.
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
-- (a later migration in real life; here in one file for the state it leaves)
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_not_null;
-- Same-file table.
CREATE TABLE IF NOT EXISTS profiles (id bigint, user_id bigint);
ALTER TABLE profiles ALTER COLUMN user_id SET NOT NULL;
