ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;
-- Constraints on a table created in this file have nothing to scan.
CREATE TABLE IF NOT EXISTS refunds (id bigint PRIMARY KEY, order_id bigint, amount numeric);
ALTER TABLE refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE refunds ADD CONSTRAINT refunds_amount_positive CHECK (amount > 0);
-- Foreign keys inside CREATE TABLE are fine too.
CREATE TABLE IF NOT EXISTS refund_lines (id bigint PRIMARY KEY, refund_id bigint REFERENCES refunds (id));
