-- golang-migrate's habit: BEGIN first, COMMIT last; up runs it as one transaction.
BEGIN;
SET lock_timeout = '5s';
CREATE TABLE a (id int);
CREATE TABLE b (id int);
COMMIT;
