CREATE TABLE IF NOT EXISTS a (id int);
CREATE TABLE IF NOT EXISTS b ( -- expect: parse-error
