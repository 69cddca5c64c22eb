-- Positions count characters, not bytes: «ünïcödé» comments and strings before the finding.
SELECT 'ça coûte 10 €' AS prix; /* ☃ */ SET lock_timeout = '1s';
UPDATE "Bücher" SET titel = 'Straße'; -- expect: unbounded-dml
