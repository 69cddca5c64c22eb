DROP FUNCTION IF EXISTS legacy_score(bigint); -- expect: contract-without-tag
