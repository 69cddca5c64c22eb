-- NOT VALID followed by VALIDATE in one transactional migration: the ADD's lock is
-- held until commit, through the whole scan.
SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk; -- expect: constraint-not-valid
