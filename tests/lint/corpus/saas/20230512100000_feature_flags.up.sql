CREATE TABLE IF NOT EXISTS feature_flags (
    name        text PRIMARY KEY,
    enabled     boolean NOT NULL DEFAULT false,
    description text
);

INSERT INTO feature_flags (name, enabled, description) VALUES
    ('beta_dashboard', true, 'New dashboard (see ''docs/dashboard.md'')'),
    ('beta_exports', false, $$CSV exports; DELETE FROM exports is handled by the job$$)
ON CONFLICT (name) DO NOTHING;
