DROP TABLE IF EXISTS billing.credit_notes;
