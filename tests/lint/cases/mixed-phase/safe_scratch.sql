-- A scratch table created and dropped here removes nothing that existed.
CREATE TABLE IF NOT EXISTS tmp_ids AS SELECT id FROM users WHERE active;
UPDATE users SET flagged = true WHERE id IN (SELECT id FROM tmp_ids);
DROP TABLE tmp_ids;
