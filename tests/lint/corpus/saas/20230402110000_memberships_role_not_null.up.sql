UPDATE memberships SET role = 'member' WHERE role IS NULL;
ALTER TABLE memberships ALTER COLUMN role SET NOT NULL;
