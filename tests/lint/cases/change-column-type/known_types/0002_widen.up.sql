-- The types from 0001 are known: widening is recognised, narrowing is not.
ALTER TABLE products ALTER COLUMN sku TYPE varchar(64);
ALTER TABLE products ALTER COLUMN name TYPE text;
ALTER TABLE products ALTER COLUMN price TYPE numeric(12, 2);
ALTER TABLE products ALTER COLUMN origin TYPE inet;
ALTER TABLE products ALTER COLUMN weight TYPE numeric(8, 1); -- expect: change-column-type
ALTER TABLE products ALTER COLUMN id TYPE bigint; -- expect: change-column-type
ALTER TABLE products ALTER COLUMN code TYPE text; -- expect: change-column-type
