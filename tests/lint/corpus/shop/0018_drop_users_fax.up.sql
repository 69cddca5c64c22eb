-- contract-phase-ok: users.fax unused since release 2.1 (ticket SHOP-311)
SET lock_timeout = '5s';
ALTER TABLE users DROP COLUMN IF EXISTS fax;
