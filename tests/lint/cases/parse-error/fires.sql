CREATE TABLE IF NOT EXISTS ok_before (id bigint);
CREATE TABLE IF NOT EXISTS broken (id bigint,); -- expect: parse-error
-- The rest of the file is still linted.
DROP TABLE legacy; -- expect: drop-table
