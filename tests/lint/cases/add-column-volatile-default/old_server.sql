-- case: pg-version 10
-- Before PostgreSQL 11 every non-NULL default is written into every row.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'new'; -- expect: add-column-volatile-default
ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text DEFAULT NULL;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS memo text;
