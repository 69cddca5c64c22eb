DROP MATERIALIZED VIEW IF EXISTS daily_events;

CREATE MATERIALIZED VIEW daily_events AS
    SELECT date_trunc('day', occurred_at) AS day, tenant_id, kind, count(*) AS n
    FROM events
    GROUP BY 1, 2, 3;

CREATE UNIQUE INDEX daily_events_day_tenant_kind_key ON daily_events (day, tenant_id, kind);
