-- lockgate:no-transaction
-- The header directive must come before the first statement; a comment that merely
-- mentions CREATE INDEX CONCURRENTLY is not a statement.
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_old;
SELECT 'CREATE INDEX CONCURRENTLY x ON y (z)';
