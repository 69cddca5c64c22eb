-- The facts of 0001 follow the tables and columns to their new names.
SET lock_timeout = '5s';
ALTER TABLE customers RENAME TO clients;
ALTER TABLE clients RENAME COLUMN code TO sku;
ALTER TABLE accounts SET SCHEMA billing;
