ALTER TABLE memberships DROP COLUMN IF EXISTS invited_by;
