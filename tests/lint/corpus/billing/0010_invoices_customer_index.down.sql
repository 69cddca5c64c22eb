-- lockgate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS billing.invoices_customer_idx;
