TRUNCATE audit_events; -- expect: truncate
TRUNCATE TABLE ONLY public.sessions, tokens RESTART IDENTITY CASCADE; -- expect: truncate
