ALTER TABLE order_items DROP CONSTRAINT IF EXISTS order_items_product_fk;
