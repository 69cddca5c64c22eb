TRUNCATE login_attempts;
