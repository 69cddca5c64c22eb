ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); -- expect: unique-constraint-without-index
ALTER TABLE users ADD PRIMARY KEY (id); -- expect: unique-constraint-without-index
ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&); -- expect: unique-constraint-without-index
ALTER TABLE users ADD COLUMN IF NOT EXISTS handle text UNIQUE; -- expect: unique-constraint-without-index
