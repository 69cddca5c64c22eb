CREATE TABLE IF NOT EXISTS categories (
    id    SERIAL PRIMARY KEY,
    slug  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL
);

INSERT INTO categories (slug, name) VALUES
    ('books', 'Books'),
    ('games', 'Games -- and puzzles'),
    ('misc',  'Everything else; really')
ON CONFLICT (slug) DO NOTHING;
