ALTER TABLE tenants ADD COLUMN IF NOT EXISTS slug text;

UPDATE tenants
SET    slug = lower(regexp_replace(name, '[^a-zA-Z0-9]+', '-', 'g'))
WHERE  slug IS NULL;

CREATE UNIQUE INDEX IF NOT EXISTS tenants_slug_key ON tenants (slug);
