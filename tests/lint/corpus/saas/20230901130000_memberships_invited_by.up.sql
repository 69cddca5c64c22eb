ALTER TABLE memberships ADD COLUMN IF NOT EXISTS invited_by uuid;
ALTER TABLE memberships
    ADD CONSTRAINT memberships_invited_by_fk FOREIGN KEY (invited_by) REFERENCES memberships (id) NOT VALID;
ALTER TABLE memberships VALIDATE CONSTRAINT memberships_invited_by_fk;
