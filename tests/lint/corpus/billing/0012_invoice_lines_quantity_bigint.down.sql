ALTER TABLE billing.invoice_lines ALTER COLUMN quantity TYPE integer;
