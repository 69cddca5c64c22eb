-- An index this file created (or that belongs to a table it created) is not in use yet.
CREATE TABLE IF NOT EXISTS events (id bigint, kind text);
CREATE INDEX IF NOT EXISTS idx_events_kind ON events (kind);
DROP INDEX idx_events_kind;
CREATE INDEX IF NOT EXISTS idx_events_kind_v2 ON events (kind, id);
DROP INDEX IF EXISTS idx_events_kind_v2;
SELECT 'DROP INDEX idx_orders_legacy';
