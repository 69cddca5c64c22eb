-- expect-at 2: parse-error
\set ON_ERROR_STOP on
CREATE TABLE IF NOT EXISTS t (id int);
