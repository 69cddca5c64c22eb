DROP FUNCTION IF EXISTS tenant_member_count(uuid);
