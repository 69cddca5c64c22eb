-- A DO block runs during the migration: its statements count, at their own lines.
-- expect-at 6: unbounded-dml
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'carts') THEN
        DELETE FROM carts;
    END IF;
END
$$;
