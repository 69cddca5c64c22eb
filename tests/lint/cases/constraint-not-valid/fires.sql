ALTER TABLE orders ADD CONSTRAINT orders_customer_fk -- expect: constraint-not-valid
    FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0); -- expect: constraint-not-valid
ALTER TABLE orders ADD FOREIGN KEY (shop_id) REFERENCES shops; -- expect: constraint-not-valid
ALTER TABLE orders ADD COLUMN IF NOT EXISTS coupon_id bigint REFERENCES coupons (id); -- expect: constraint-not-valid
