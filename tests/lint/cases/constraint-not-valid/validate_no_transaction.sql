-- lockgate:no-transaction
-- Each statement commits on its own here: NOT VALID then VALIDATE is the safe pattern.
SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
