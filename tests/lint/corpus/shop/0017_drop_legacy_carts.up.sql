-- The old cart implementation was replaced in 2.3.
DROP TABLE IF EXISTS legacy_carts;
