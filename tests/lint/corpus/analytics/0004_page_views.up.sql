CREATE TABLE IF NOT EXISTS page_views (
    id          bigserial PRIMARY KEY,
    path        text NOT NULL,
    referrer    varchar(512),
    viewed_at   timestamptz NOT NULL DEFAULT now()
);
