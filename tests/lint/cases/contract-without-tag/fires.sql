-- Once per file, at the first destructive statement.
SET lock_timeout = '5s';
ALTER TABLE users DROP COLUMN IF EXISTS legacy_token; -- expect: contract-without-tag
DROP TABLE IF EXISTS legacy_sessions;
