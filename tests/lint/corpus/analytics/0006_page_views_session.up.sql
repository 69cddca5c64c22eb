SET lock_timeout = '5s';
ALTER TABLE page_views ADD COLUMN IF NOT EXISTS session_id uuid DEFAULT gen_random_uuid();
