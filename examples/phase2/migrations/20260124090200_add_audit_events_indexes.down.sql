-- lockgate:no-transaction
-- Rollback Migration: Indexes for audit_events
-- Version: 20260124090200
DROP INDEX CONCURRENTLY IF EXISTS idx_audit_created_at;
DROP INDEX CONCURRENTLY IF EXISTS idx_audit_user_id;
