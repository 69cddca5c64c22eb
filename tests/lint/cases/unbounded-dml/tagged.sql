-- contract-phase-ok: guest sessions are recreated on login
DELETE FROM guest_sessions; -- expect-suppressed: unbounded-dml
-- An unbounded UPDATE is not destructive: the tag does not excuse it.
UPDATE users SET locale = 'en'; -- expect: unbounded-dml
