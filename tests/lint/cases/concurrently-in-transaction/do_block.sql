-- lockgate:no-transaction
-- (markers inside a dollar-quoted body are not comments, hence expect-at)
-- expect-at 6: concurrently-in-transaction
DO $$
BEGIN
    EXECUTE 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_x ON orders (x)';
END $$;
