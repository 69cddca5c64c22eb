ALTER TABLE products ALTER COLUMN sku TYPE varchar(32); -- expect: change-column-type
