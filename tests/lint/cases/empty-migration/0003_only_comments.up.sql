-- expect: empty-migration
-- TODO: write the migration
/* nothing here yet */
