SET lock_timeout = '5s';
ALTER TABLE page_views ALTER COLUMN referrer TYPE text;
