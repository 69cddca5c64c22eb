-- Rollback Migration: Add sessions and verification tokens
-- Version: 20260124090000
-- WARNING: drops every session (users sign in again) and unused tokens.
DROP TABLE IF EXISTS verification_tokens;
DROP TABLE IF EXISTS sessions;
