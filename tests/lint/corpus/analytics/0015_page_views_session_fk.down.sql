ALTER TABLE page_views DROP CONSTRAINT IF EXISTS page_views_session_fk;
