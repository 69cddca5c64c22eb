-- A single statement without its semicolon is still a migration.
SELECT 1
