DELETE FROM sessions WHERE expires_at < now();
UPDATE users SET newsletter = false WHERE id BETWEEN 1 AND 10000 AND newsletter IS NULL;
UPDATE accounts a SET plan = p.name FROM plans p WHERE p.id = a.plan_id;
-- A table this file creates and fills.
CREATE TABLE IF NOT EXISTS country_codes (code text PRIMARY KEY, name text);
INSERT INTO country_codes VALUES ('fr', 'France'), ('de', 'Germany');
UPDATE country_codes SET name = upper(name);
DELETE FROM country_codes;
-- Function bodies run later, not during the migration.
CREATE OR REPLACE FUNCTION reset_carts() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM carts;
END;
$$;
-- A WITH whose DELETE has its own WHERE, and one that only reads.
WITH moved AS (DELETE FROM carts WHERE created_at < '2020-01-01' RETURNING *) INSERT INTO carts_archive SELECT * FROM moved;
WITH recent AS (SELECT id FROM carts WHERE id > 10) INSERT INTO carts_archive SELECT * FROM recent;
WITH fresh AS (DELETE FROM country_codes RETURNING *) SELECT count(*) FROM fresh;
