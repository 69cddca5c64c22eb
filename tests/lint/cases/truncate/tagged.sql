-- contract-phase-ok: audit_events archived to cold storage (ticket OPS-112)
SET lock_timeout = '5s';
TRUNCATE audit_events; -- expect-suppressed: truncate
