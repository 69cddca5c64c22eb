ALTER TABLE api_tokens RENAME TO access_tokens;
