-- A COMMIT in the middle ends lockgate's transaction early: up refuses the file.
SET lock_timeout = '5s';
CREATE TABLE a (id int);
COMMIT; -- expect: transaction-control
CREATE TABLE b (id int);
