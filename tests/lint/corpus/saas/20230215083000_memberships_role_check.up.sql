DO $$
BEGIN
    ALTER TABLE memberships
        ADD CONSTRAINT memberships_role_check CHECK (role IN ('owner', 'admin', 'member'));
EXCEPTION
    WHEN duplicate_object THEN NULL;
END $$;
