-- lockgate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS page_views_viewed_at_brin;
