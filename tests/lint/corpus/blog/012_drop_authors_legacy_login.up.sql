ALTER TABLE authors DROP COLUMN legacy_login;
