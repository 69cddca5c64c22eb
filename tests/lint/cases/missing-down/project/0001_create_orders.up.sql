-- expect: missing-down
CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);
