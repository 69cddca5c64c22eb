-- Same-file table, other ALTERs, and look-alikes.
CREATE TABLE IF NOT EXISTS imports (id bigint, raw text, parsed jsonb);
ALTER TABLE imports DROP COLUMN raw;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ALTER COLUMN email DROP DEFAULT;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_check;
COMMENT ON COLUMN users.legacy_token IS 'ALTER TABLE users DROP COLUMN legacy_token; later';
