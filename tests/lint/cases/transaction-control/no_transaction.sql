-- lockgate:no-transaction
SET lock_timeout = '5s';
BEGIN;
CREATE TABLE a (id int);
COMMIT;
CREATE TABLE b (id int);
