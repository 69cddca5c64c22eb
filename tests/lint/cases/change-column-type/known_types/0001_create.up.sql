CREATE TABLE IF NOT EXISTS products (
    id int PRIMARY KEY,
    sku varchar(20),
    name varchar(100),
    price numeric(10, 2),
    weight numeric(8, 3),
    origin cidr,
    code char(4)
);
