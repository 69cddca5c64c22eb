-- Validated separately: only a SHARE UPDATE EXCLUSIVE lock.
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_product_fk;
