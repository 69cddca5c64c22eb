-- contract-phase-ok: payments moved to the payments service in Q3; export archived (BILL-88)
SET lock_timeout = '5s';
DROP TABLE IF EXISTS billing.legacy_payments;
