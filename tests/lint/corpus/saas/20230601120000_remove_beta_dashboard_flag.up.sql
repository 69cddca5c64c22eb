DELETE FROM feature_flags WHERE name = 'beta_dashboard';
