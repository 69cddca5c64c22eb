-- case: pg-version 11
-- REINDEX CONCURRENTLY only exists from PostgreSQL 12: no advice to give before.
REINDEX TABLE orders;
CREATE INDEX idx_a ON orders (a); -- expect: index-not-concurrent
