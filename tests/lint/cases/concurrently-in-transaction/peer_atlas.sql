-- atlas:txmode none
SET lock_timeout = '5s';
CREATE TABLE IF NOT EXISTS t (id int);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_t ON t (id);
