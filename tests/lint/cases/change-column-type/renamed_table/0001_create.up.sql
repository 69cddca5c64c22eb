CREATE TABLE IF NOT EXISTS customers (email varchar(10), code varchar(4), note varchar(50));
CREATE TABLE IF NOT EXISTS accounts (name varchar(10));
