-- The index was built concurrently by an earlier migration: attaching it is instant.
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;
-- Same-file table.
CREATE TABLE IF NOT EXISTS api_keys (id bigint, key_hash text);
ALTER TABLE api_keys ADD PRIMARY KEY (id);
ALTER TABLE api_keys ADD CONSTRAINT api_keys_hash_key UNIQUE (key_hash);
