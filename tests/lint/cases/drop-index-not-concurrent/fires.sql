DROP INDEX idx_orders_legacy; -- expect: drop-index-not-concurrent
DROP INDEX IF EXISTS public.idx_users_old, idx_users_older; -- expect: drop-index-not-concurrent
