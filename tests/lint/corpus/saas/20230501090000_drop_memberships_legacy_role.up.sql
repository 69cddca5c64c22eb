-- contract-phase-ok: legacy_role replaced by role (migrated in 20230402110000)
SET lock_timeout = '5s';
ALTER TABLE memberships DROP COLUMN IF EXISTS legacy_role;
