-- Widening is recognised under the new names; narrowing still is not.
SET lock_timeout = '5s';
ALTER TABLE clients ALTER COLUMN email TYPE varchar(30);
ALTER TABLE clients ALTER COLUMN sku TYPE varchar(8);
ALTER TABLE billing.accounts ALTER COLUMN name TYPE varchar(30);
ALTER TABLE clients ALTER COLUMN note TYPE varchar(20); -- expect: change-column-type
-- The old names hold no facts any more.
ALTER TABLE accounts ALTER COLUMN name TYPE varchar(30); -- expect: change-column-type
ALTER TABLE clients ALTER COLUMN code TYPE varchar(8); -- expect: change-column-type
