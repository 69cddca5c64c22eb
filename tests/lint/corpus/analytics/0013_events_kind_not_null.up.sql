-- lockgate:no-transaction
SET lock_timeout = '5s';
ALTER TABLE events ADD CONSTRAINT events_kind_not_null CHECK (kind IS NOT NULL) NOT VALID;
ALTER TABLE events VALIDATE CONSTRAINT events_kind_not_null;
ALTER TABLE events ALTER COLUMN kind SET NOT NULL;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_kind_not_null;
