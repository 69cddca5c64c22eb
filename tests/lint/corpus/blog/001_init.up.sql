-- Initial schema.
-- TODO: DROP TABLE old_posts once the import is done (not in this migration!)
CREATE TABLE authors (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL,
    legacy_login varchar(50)
);

CREATE TABLE posts (
    id serial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors(id),
    title varchar(200) NOT NULL,
    body varchar(10000) NOT NULL,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX posts_author_idx ON posts(author_id);
