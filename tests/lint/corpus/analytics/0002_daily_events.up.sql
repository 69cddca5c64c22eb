CREATE MATERIALIZED VIEW IF NOT EXISTS daily_events AS
    SELECT date_trunc('day', occurred_at) AS day, kind, count(*) AS n
    FROM events
    GROUP BY 1, 2
WITH NO DATA;

CREATE UNIQUE INDEX IF NOT EXISTS daily_events_day_kind_key ON daily_events (day, kind);
