-- contract-phase-ok: first_name replaced by full_name in release 12
ALTER TABLE users DROP COLUMN IF EXISTS first_name;
