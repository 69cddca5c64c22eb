SET lock_timeout = '3s';
ALTER TABLE tenants ALTER COLUMN name TYPE varchar(120);
