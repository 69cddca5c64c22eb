-- contract-phase-ok: users.legacy_token unused since release 42
SET lock_timeout = '5s';
ALTER TABLE users DROP COLUMN IF EXISTS legacy_token; -- expect-suppressed: drop-column
