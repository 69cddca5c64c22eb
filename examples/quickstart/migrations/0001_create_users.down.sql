-- Rollback Migration: Create users
-- Version: 0001

DROP TABLE IF EXISTS users;
