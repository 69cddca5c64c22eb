-- The validated check follows the table and the column to their new names.
SET lock_timeout = '5s';
ALTER TABLE users RENAME TO accounts;
ALTER TABLE accounts RENAME COLUMN email TO login;
-- A new table under the freed name proves nothing.
CREATE TABLE IF NOT EXISTS users (id bigint, email text);
