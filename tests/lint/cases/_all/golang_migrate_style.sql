-- A migration in the style golang-migrate projects ship: DO blocks, a function,
-- a trigger, and a last statement without its semicolon.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

DO $$ BEGIN
    CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
EXCEPTION
    WHEN duplicate_object THEN null;
END $$;

-- (its foreign key locks customers, which exists: a lock timeout is needed)
CREATE TABLE IF NOT EXISTS orders ( -- expect: missing-lock-timeout
    id          uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    customer_id bigint NOT NULL REFERENCES customers (id),
    status      order_status NOT NULL DEFAULT 'pending',
    total       numeric(12, 2) NOT NULL CHECK (total >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_orders_customer ON orders (customer_id);
CREATE INDEX IF NOT EXISTS idx_orders_status ON orders (status) WHERE status <> 'shipped';

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
    -- DELETE FROM orders; (a comment inside the body)
    NEW.updated_at = now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS trg_orders_updated_at ON orders;
CREATE TRIGGER trg_orders_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE PROCEDURE set_updated_at()
