CREATE TABLE IF NOT EXISTS order_lines (id bigint PRIMARY KEY);
