-- Valid SQL in forms a naive splitter gets wrong.
CREATE OR REPLACE FUNCTION add(a integer, b integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
        SELECT a + b;
    END;
DO $do$ BEGIN RAISE NOTICE 'semi; colon'; END $do$;
SELECT 'it''s', E'\'', U&'\0041', $tag$ $$ nested $$ $tag$;
CREATE TABLE IF NOT EXISTS "weird ""name""" ("col;umn" int);
SELECT 1
