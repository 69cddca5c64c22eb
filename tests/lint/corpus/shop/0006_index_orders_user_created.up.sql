-- lockgate:no-transaction
-- Built concurrently: orders is large and busy.
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_created ON orders (user_id, created_at DESC);
