-- Widening changes need no rewrite (old type unknown: assumed the usual widening).
ALTER TABLE orders ALTER COLUMN notes TYPE text;
ALTER TABLE orders ALTER COLUMN label TYPE varchar;
ALTER TABLE orders ALTER COLUMN price TYPE numeric;
-- Same-file table.
CREATE TABLE IF NOT EXISTS coupons (id int, code varchar(10));
ALTER TABLE coupons ALTER COLUMN id TYPE bigint;
