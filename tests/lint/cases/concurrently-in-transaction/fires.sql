-- No -- lockgate:no-transaction header and an ordinary statement: this migration runs in a transaction.
CREATE TABLE IF NOT EXISTS audit (id int);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id); -- expect: concurrently-in-transaction
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_old; -- expect: concurrently-in-transaction
REINDEX INDEX CONCURRENTLY idx_orders_status; -- expect: concurrently-in-transaction
ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY; -- expect: concurrently-in-transaction
