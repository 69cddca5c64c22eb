CREATE OR REPLACE FUNCTION tenant_member_count(p_tenant uuid) RETURNS integer
    LANGUAGE sql STABLE
AS $$
    SELECT count(*)::integer FROM memberships WHERE tenant_id = p_tenant
$$;

COMMENT ON FUNCTION tenant_member_count(uuid) IS 'Used by the billing job; do not DROP without checking it';
