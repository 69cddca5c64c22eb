-- The NOT VALID constraint was added by an earlier migration: validating it takes
-- only a SHARE UPDATE EXCLUSIVE lock.
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
