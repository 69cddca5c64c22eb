-- contract-phase-ok: reporting unused since release 50; pg_dump -n reporting in s3://backups/
SET lock_timeout = '5s';
DROP SCHEMA IF EXISTS reporting CASCADE; -- expect-suppressed: drop-table
DROP DATABASE IF EXISTS reporting_replica; -- expect-suppressed: drop-table
