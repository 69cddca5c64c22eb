-- Lockgate:Retry-For 5m
-- lockgate:no-transaction
SET lock_timeout = '5s';
-- lockgate:ignore drop-table unused since 2023
DROP TABLE IF EXISTS legacy;
