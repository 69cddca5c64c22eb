DELETE FROM sessions; -- expect: unbounded-dml
UPDATE users SET newsletter = false; -- expect: unbounded-dml
UPDATE ONLY app.accounts AS a SET plan = 'free' FROM plans p; -- expect: unbounded-dml
WITH gone AS (SELECT 1) DELETE FROM carts; -- expect: unbounded-dml
