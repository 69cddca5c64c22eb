-- An index this file created is not in use yet, under whichever name it has by then.
CREATE TABLE IF NOT EXISTS events (id bigint, kind text);
CREATE INDEX IF NOT EXISTS idx_events_kind ON events (kind);
ALTER INDEX idx_events_kind RENAME TO events_kind_idx;
DROP INDEX IF EXISTS events_kind_idx;
ALTER INDEX idx_orders_legacy RENAME TO orders_legacy_idx;
DROP INDEX IF EXISTS orders_legacy_idx; -- expect: drop-index-not-concurrent
