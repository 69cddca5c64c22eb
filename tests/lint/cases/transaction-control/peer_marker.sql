-- +goose NO TRANSACTION
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_a ON orders (a);
BEGIN;
CREATE TABLE a (id int);
COMMIT;
