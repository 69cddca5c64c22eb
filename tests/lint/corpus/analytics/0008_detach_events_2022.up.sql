-- lockgate:no-transaction
SET lock_timeout = '5s';
ALTER TABLE events DETACH PARTITION events_2022 CONCURRENTLY;
