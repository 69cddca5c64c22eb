ALTER TABLE users ADD COLUMN IF NOT EXISTS tenant_id bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;
ALTER TABLE users ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE users ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'active';
-- Same-file table: empty, so NOT NULL without a default is fine.
CREATE TABLE IF NOT EXISTS wallets (id bigint PRIMARY KEY);
ALTER TABLE wallets ADD COLUMN IF NOT EXISTS owner_id bigint NOT NULL;
-- Columns that fill themselves are the volatile-default rule's business.
ALTER TABLE users ADD COLUMN IF NOT EXISTS seq bigserial;
ALTER TABLE users ADD COLUMN IF NOT EXISTS num bigint GENERATED ALWAYS AS IDENTITY;
