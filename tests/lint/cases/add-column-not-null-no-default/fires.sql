ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL; -- expect: add-column-not-null-no-default
ALTER TABLE users ADD COLUMN region text NOT NULL DEFAULT NULL; -- expect: add-column-not-null-no-default
ALTER TABLE orders ADD COLUMN IF NOT EXISTS ref uuid PRIMARY KEY; -- expect: add-column-not-null-no-default
