-- DROP SCHEMA ... CASCADE deletes every table in the schema; DROP DATABASE every table there is.
SET lock_timeout = '5s';
DROP SCHEMA reporting CASCADE; -- expect: drop-table
DROP SCHEMA IF EXISTS archive, "Old Stuff" CASCADE; -- expect: drop-table
DROP DATABASE legacy_app; -- expect: drop-table
DROP DATABASE IF EXISTS "Legacy App" WITH (FORCE); -- expect: drop-table
-- lockgate:ignore drop-table,contract-without-tag the schema held only a test fixture, never used in production
DROP SCHEMA fixtures CASCADE; -- expect-suppressed: drop-table
-- Without CASCADE the server refuses to drop a schema that is not empty: nothing is lost.
DROP SCHEMA IF EXISTS empty_one;
DROP SCHEMA empty_two RESTRICT;
-- A schema this file created holds only what the file made.
CREATE SCHEMA IF NOT EXISTS scratch;
CREATE TABLE IF NOT EXISTS scratch.import (id bigint);
DROP SCHEMA scratch CASCADE;
