ALTER TABLE products ADD COLUMN IF NOT EXISTS category_id INTEGER REFERENCES categories (id);
