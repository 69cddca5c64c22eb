-- From PostgreSQL 11, constant and stable defaults are stored once: no rewrite.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'new';
ALTER TABLE orders ADD COLUMN IF NOT EXISTS retries int NOT NULL DEFAULT -1;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS meta jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE orders ADD COLUMN IF NOT EXISTS updated_at timestamptz DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS due_on date DEFAULT (CURRENT_DATE + 30);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS expires_at timestamptz DEFAULT now() + interval '1 day';
ALTER TABLE orders ADD COLUMN IF NOT EXISTS tags text[] DEFAULT ARRAY[]::text[];
ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text DEFAULT NULL;
-- A volatile default set on the column alone applies to new rows only.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS public_id uuid;
ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
-- Same-file table.
CREATE TABLE IF NOT EXISTS shipments (id bigint PRIMARY KEY);
ALTER TABLE shipments ADD COLUMN IF NOT EXISTS tracking uuid DEFAULT gen_random_uuid();
