SET lock_timeout = '5s';
ALTER TABLE order_items
    ADD CONSTRAINT order_items_product_fk
    FOREIGN KEY (product_id) REFERENCES products (id) NOT VALID;
