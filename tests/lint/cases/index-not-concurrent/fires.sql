CREATE INDEX idx_orders_customer ON orders (customer_id); -- expect: index-not-concurrent
CREATE UNIQUE INDEX IF NOT EXISTS idx_users_email ON public.users (lower(email)); -- expect: index-not-concurrent
CREATE INDEX ON "Events" USING gin (payload jsonb_path_ops) WHERE deleted_at IS NULL; -- expect: index-not-concurrent
REINDEX TABLE orders; -- expect: index-not-concurrent
REINDEX INDEX idx_orders_status; -- expect: index-not-concurrent
