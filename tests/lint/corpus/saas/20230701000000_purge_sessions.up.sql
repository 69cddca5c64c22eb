-- Everyone has to log in again after the auth migration.
DELETE FROM sessions;
