ALTER TABLE comments ADD COLUMN approved boolean NOT NULL DEFAULT false;
