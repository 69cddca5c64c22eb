-- Archived to the warehouse by the nightly job.
DROP TABLE IF EXISTS events_2022;
