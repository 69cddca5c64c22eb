-- lockgate:no-transaction
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);
REINDEX INDEX CONCURRENTLY idx_orders_status;
-- Tables created in this file (also via CREATE TABLE AS and a rename) are new and empty.
CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY, customer_id bigint, total numeric);
CREATE INDEX IF NOT EXISTS idx_invoices_customer ON invoices (customer_id);
CREATE TABLE IF NOT EXISTS report_2024 AS SELECT 1 AS id;
CREATE INDEX IF NOT EXISTS idx_report_2024 ON report_2024 (id);
CREATE MATERIALIZED VIEW IF NOT EXISTS mv_totals AS SELECT 1 AS n;
CREATE UNIQUE INDEX IF NOT EXISTS idx_mv_totals ON mv_totals (n);
CREATE TABLE IF NOT EXISTS invoices_new (id bigint);
ALTER TABLE invoices_new RENAME TO invoices_v2;
CREATE INDEX IF NOT EXISTS idx_invoices_v2 ON invoices_v2 (id);
-- ON ONLY a partitioned parent builds nothing (the partitions are indexed concurrently one by one).
CREATE INDEX IF NOT EXISTS idx_measurements_at ON ONLY measurements (recorded_at);
