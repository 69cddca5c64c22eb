DO $$
BEGIN
    CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
EXCEPTION
    WHEN duplicate_object THEN NULL;
END
$$;

ALTER TABLE orders ADD COLUMN IF NOT EXISTS status order_status NOT NULL DEFAULT 'pending';
