SELECT 1; -- narrowing back would need a check
