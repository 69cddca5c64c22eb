ALTER TABLE memberships ADD COLUMN IF NOT EXISTS legacy_role text;
