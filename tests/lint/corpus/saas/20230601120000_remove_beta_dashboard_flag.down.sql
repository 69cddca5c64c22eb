INSERT INTO feature_flags (name, enabled) VALUES ('beta_dashboard', true) ON CONFLICT DO NOTHING;
