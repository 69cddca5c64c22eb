SET lock_timeout = '3s';
SET statement_timeout = '30s';
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS settings jsonb NOT NULL DEFAULT '{}'::jsonb;
