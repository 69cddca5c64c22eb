ALTER TABLE users DROP COLUMN legacy_token; -- expect: drop-column
ALTER TABLE IF EXISTS app.accounts DROP COLUMN IF EXISTS old_plan, ADD COLUMN plan_id bigint; -- expect: drop-column
ALTER TABLE "Users" DROP "Nickname" CASCADE; -- expect: drop-column
