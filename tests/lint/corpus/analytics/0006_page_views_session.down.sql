ALTER TABLE page_views DROP COLUMN IF EXISTS session_id;
