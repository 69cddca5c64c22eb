CREATE TABLE IF NOT EXISTS load_buffer (line text);
TRUNCATE load_buffer;
SELECT 'TRUNCATE audit_events';
-- TRUNCATE audit_events;
DELETE FROM audit_events WHERE created_at < now() - interval '2 years';
