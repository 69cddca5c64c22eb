-- varchar(10000) -> text: binary compatible, no rewrite.
ALTER TABLE posts ALTER COLUMN body TYPE text;
