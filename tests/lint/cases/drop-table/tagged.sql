-- contract-phase-ok: legacy_sessions unused since release 41; backup in s3://backups/legacy_sessions
SET lock_timeout = '5s';
DROP TABLE IF EXISTS legacy_sessions; -- expect-suppressed: drop-table
