-- The CHECK validated by 0001 (same run) proves it: no scan.
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users ALTER COLUMN phone SET NOT NULL; -- expect: set-not-null
