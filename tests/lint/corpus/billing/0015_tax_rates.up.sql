CREATE TABLE IF NOT EXISTS billing.tax_rates (
    id       serial PRIMARY KEY,
    country  char(2) NOT NULL,
    rate     numeric(5, 4) NOT NULL,
    UNIQUE (country)
);

INSERT INTO billing.tax_rates (country, rate) VALUES
    ('FR', 0.2000), ('DE', 0.1900), ('NL', 0.2100)
ON CONFLICT (country) DO NOTHING;
