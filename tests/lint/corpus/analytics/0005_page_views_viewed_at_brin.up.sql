-- lockgate:no-transaction
SET lock_timeout = '10s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS page_views_viewed_at_brin ON page_views USING brin (viewed_at);
