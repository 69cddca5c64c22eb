ALTER TABLE access_tokens RENAME TO api_tokens;
