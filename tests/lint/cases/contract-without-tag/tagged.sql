-- contract-phase-ok: Removing old columns after successful migration
SET lock_timeout = '5s';
ALTER TABLE users DROP COLUMN IF EXISTS legacy_token;
DROP TABLE IF EXISTS legacy_sessions;
