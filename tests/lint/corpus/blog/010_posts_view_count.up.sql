ALTER TABLE posts ADD COLUMN view_count integer DEFAULT 0 NOT NULL;
