-- A DO block whose PL/pgSQL body does not parse: the server rejects it, and the
-- CREATE INDEX inside it cannot be checked, so it is reported at the DO.
SET lock_timeout = '1s'; -- expect-at 4: parse-error
DO $$
BEGIN
  CREATE INDEX i3 ON orders (c);
  PERFORM 1 +;
END
$$;
-- The rest of the file is still linted.
DROP TABLE legacy; -- expect: drop-table
-- Other languages are not PL/pgSQL: their bodies are neither parsed nor reported.
DO LANGUAGE plpython3u $$ plpy.execute("SELECT (" $$;
DO $$ x = ( $$ LANGUAGE 'plpython3u';
DO $$ BEGIN PERFORM 1 + 1; END $$;
