ALTER TABLE page_views ALTER COLUMN referrer TYPE varchar(512);
