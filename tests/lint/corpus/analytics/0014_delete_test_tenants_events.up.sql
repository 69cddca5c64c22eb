DELETE FROM events
WHERE tenant_id IN (SELECT tenant_id FROM dim_tenants WHERE label = 'test');
