-- lockgate:no-transaction
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_a ON orders (a);
BEGIN;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_b ON orders (b); -- expect: concurrently-in-transaction
COMMIT;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_c ON orders (c);
