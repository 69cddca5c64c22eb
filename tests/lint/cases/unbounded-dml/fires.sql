DELETE FROM sessions; -- expect: unbounded-dml
UPDATE users SET newsletter = false; -- expect: unbounded-dml
UPDATE ONLY app.accounts AS a SET plan = 'free' FROM plans p; -- expect: unbounded-dml
WITH gone AS (SELECT 1) DELETE FROM carts; -- expect: unbounded-dml
WITH moved AS (DELETE FROM carts RETURNING *) INSERT INTO carts_archive SELECT * FROM moved WHERE id > 10; -- expect: unbounded-dml
WITH touched AS (UPDATE users SET seen = true RETURNING id) SELECT count(*) FROM touched WHERE id > 10; -- expect: unbounded-dml
WITH a AS (DELETE FROM carts WHERE id < 5 RETURNING *), b AS (DELETE FROM orders RETURNING *) SELECT 1; -- expect: unbounded-dml
