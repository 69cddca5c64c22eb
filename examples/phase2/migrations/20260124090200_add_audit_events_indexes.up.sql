-- lockgate:no-transaction
-- Migration: Indexes for audit_events
-- Version: 20260124090200
-- Description: Built CONCURRENTLY so a populated audit_events keeps taking writes.
SET lock_timeout = '5s';

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_audit_user_id ON audit_events (user_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_audit_created_at ON audit_events (created_at DESC);
