ALTER TABLE orders ALTER COLUMN amount TYPE bigint; -- expect: change-column-type
ALTER TABLE orders ALTER COLUMN code TYPE varchar(20); -- expect: change-column-type
ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz USING placed_at AT TIME ZONE 'UTC'; -- expect: change-column-type
ALTER TABLE orders ALTER COLUMN notes TYPE text USING notes::text; -- expect: change-column-type
