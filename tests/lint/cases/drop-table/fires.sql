-- Dropping tables that exist before this migration.
DROP TABLE legacy_sessions; -- expect: drop-table
DROP TABLE IF EXISTS public.audit_old CASCADE; -- expect: drop-table
DROP TABLE "Order Items", archive.events; -- expect: drop-table
drop table -- expect: drop-table
    multi_line_drop;
