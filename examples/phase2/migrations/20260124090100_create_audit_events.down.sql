-- Rollback Migration: Create audit_events
-- Version: 20260124090100
DROP TABLE IF EXISTS audit_events;
