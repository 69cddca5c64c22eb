-- The drizzle/golang-migrate idiom: an idempotent ADD CONSTRAINT in a DO block still scans.
-- expect-at 4: constraint-not-valid
DO $$ BEGIN
    ALTER TABLE "posts" ADD CONSTRAINT "posts_author_fk" FOREIGN KEY ("author_id") REFERENCES "users"("id");
EXCEPTION
    WHEN duplicate_object THEN null;
END $$;
-- ... and is fine on a table the file created.
CREATE TABLE IF NOT EXISTS "comments" ("id" bigint PRIMARY KEY, "post_id" bigint);
DO $$ BEGIN
    ALTER TABLE "comments" ADD CONSTRAINT "comments_post_fk" FOREIGN KEY ("post_id") REFERENCES "posts"("id");
EXCEPTION
    WHEN duplicate_object THEN null;
END $$;
