SET lock_timeout = '5s';
ALTER TABLE accounts ALTER COLUMN login SET NOT NULL;
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- expect: set-not-null
