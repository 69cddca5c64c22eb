-- contract-phase-ok: the tag allows the drop, not the mixing.
CREATE TABLE IF NOT EXISTS orders_v2 (id bigint PRIMARY KEY);
DROP TABLE IF EXISTS orders_v1; -- expect: mixed-phase
