ALTER TABLE posts ADD COLUMN slug varchar(200);
UPDATE posts SET slug = id::text;
ALTER TABLE posts ALTER COLUMN slug SET NOT NULL;
ALTER TABLE posts ADD CONSTRAINT posts_slug_key UNIQUE (slug);
