ALTER TABLE page_views ADD COLUMN country char(2) NOT NULL;
