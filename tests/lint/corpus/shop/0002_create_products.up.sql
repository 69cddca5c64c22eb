-- Migration: Add products table
-- Version: 0002
-- Description: Creates products table with categories

CREATE TABLE IF NOT EXISTS products (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  price DECIMAL(10,2) NOT NULL,
  stock INTEGER NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX IF NOT EXISTS idx_products_name ON products(name);
CREATE INDEX IF NOT EXISTS idx_products_price ON products(price);

-- Insert default products
INSERT INTO products (name, description, price, stock)
VALUES
  ('Sample Product', 'Example product; DROP TABLE products is not code here', 99.99, 100)
ON CONFLICT DO NOTHING;
