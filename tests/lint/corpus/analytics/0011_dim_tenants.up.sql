CREATE TABLE IF NOT EXISTS dim_tenants AS
    SELECT DISTINCT tenant_id FROM events;

CREATE UNIQUE INDEX IF NOT EXISTS dim_tenants_key ON dim_tenants (tenant_id);
ALTER TABLE dim_tenants ADD COLUMN IF NOT EXISTS label text NOT NULL DEFAULT 'unknown';
