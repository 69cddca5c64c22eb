SET lock_timeout = '5s';
-- A constant default is free from PostgreSQL 11 on.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS currency CHAR(3) NOT NULL DEFAULT 'EUR';
