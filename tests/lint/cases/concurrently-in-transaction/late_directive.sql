SET lock_timeout = '5s';
CREATE TABLE IF NOT EXISTS orders_log (id int);  -- an ordinary statement: the file runs in a transaction
-- lockgate:no-transaction   (too late: the engine reads only the header)
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id); -- expect: concurrently-in-transaction
