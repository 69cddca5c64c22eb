CREATE TABLE IF NOT EXISTS page_views_v2 (
    id          bigserial PRIMARY KEY,
    path        text NOT NULL,
    referrer    text,
    country     char(2),
    viewed_at   timestamptz NOT NULL
);

INSERT INTO page_views_v2 (id, path, referrer, country, viewed_at)
SELECT id, path, referrer, country, viewed_at FROM page_views;

DROP TABLE page_views;
ALTER TABLE page_views_v2 RENAME TO page_views;
