-- Text that only looks like DROP TABLE: comments, strings, dollar quotes, function bodies.
-- DROP TABLE users;
/* DROP TABLE users; /* nested */ still a comment */
SELECT 'DROP TABLE users;' AS not_code, E'it''s \' DROP TABLE users; --' AS escaped;
SELECT $q$ DROP TABLE users; $q$ AS dollar_quoted;
CREATE OR REPLACE FUNCTION purge() RETURNS void LANGUAGE sql AS $body$ DROP TABLE users $body$;
-- A table created earlier in the same file is this migration's own.
CREATE TABLE IF NOT EXISTS scratch_import (id bigint);
DROP TABLE scratch_import;
CREATE TABLE IF NOT EXISTS staging.tmp_copy (id bigint);
DROP TABLE IF EXISTS staging.tmp_copy;
-- Not a table.
DROP VIEW IF EXISTS v_old;
DROP INDEX CONCURRENTLY IF EXISTS idx_old;
