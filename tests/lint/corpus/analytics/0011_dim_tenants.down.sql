DROP TABLE IF EXISTS dim_tenants;
