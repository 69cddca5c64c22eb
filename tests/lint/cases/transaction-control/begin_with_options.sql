BEGIN ISOLATION LEVEL SERIALIZABLE; -- expect: transaction-control
SET lock_timeout = '5s';
CREATE TABLE a (id int);
COMMIT;
