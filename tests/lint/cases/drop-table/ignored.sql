SET lock_timeout = '5s';
-- lockgate:ignore drop-table,contract-without-tag the table was never used (created by mistake in 0042)
DROP TABLE IF EXISTS mistaken_table; -- expect-suppressed: drop-table
DROP TABLE IF EXISTS other_table; -- expect: drop-table
