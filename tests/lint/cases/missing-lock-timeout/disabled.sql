SET lock_timeout = 0;
TRUNCATE old_cache; -- expect: missing-lock-timeout
