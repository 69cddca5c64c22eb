-- expand-contract-runbook.md: "Ensure no DROP, TRUNCATE, or DELETE statements" outside a contract migration.
DELETE FROM feature_flags WHERE name = 'legacy_checkout'; -- expect: contract-without-tag
