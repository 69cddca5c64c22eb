DELETE FROM comments
WHERE approved = false
  AND created_at < now() - interval '1 year';
