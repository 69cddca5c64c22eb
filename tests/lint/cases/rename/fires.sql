ALTER TABLE users RENAME COLUMN name TO full_name; -- expect: rename
ALTER TABLE users RENAME TO accounts; -- expect: rename
ALTER TABLE IF EXISTS app."Orders" RENAME "Total" TO total; -- expect: rename
