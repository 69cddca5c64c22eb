-- lockgate:lock-timout 3s
-- LOCKGATE:no-transactions
-- LOCKGATE: lock-timeout 3s
-- lockgate: statement-timeout 1m
SET lock_timeout = '5s';
-- lockgate:ignor drop-table old
DROP TABLE IF EXISTS legacy;
-- expect-at 1: unknown-directive
-- expect-at 2: unknown-directive
-- expect-at 6: unknown-directive
