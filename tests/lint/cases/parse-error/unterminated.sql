-- expect-at 2: parse-error
SELECT 'not closed;
DROP TABLE users;
