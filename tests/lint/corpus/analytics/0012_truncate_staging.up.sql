TRUNCATE staging_events;
