ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- expect: set-not-null
ALTER TABLE ONLY public.orders ALTER customer_id SET NOT NULL, ALTER COLUMN total SET NOT NULL; -- expect: set-not-null
