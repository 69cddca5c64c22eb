-- No header, but nothing here can run in a transaction: up runs it outside one, as golang-migrate does.
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_old;
