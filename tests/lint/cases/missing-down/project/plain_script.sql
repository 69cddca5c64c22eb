-- Not a versioned migration ({version}_{name}.up.sql): the question does not arise.
SELECT 1;
