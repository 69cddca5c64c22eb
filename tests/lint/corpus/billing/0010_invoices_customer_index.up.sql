-- lockgate:no-transaction
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_customer_idx ON billing.invoices (customer_id, issued_at);
