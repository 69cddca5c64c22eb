ALTER TABLE page_views
    ADD CONSTRAINT page_views_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) NOT VALID;
