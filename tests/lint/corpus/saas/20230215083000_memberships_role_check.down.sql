ALTER TABLE memberships DROP CONSTRAINT IF EXISTS memberships_role_check;
