CREATE TABLE comments (
    id serial PRIMARY KEY,
    post_id integer NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    author_name varchar(100),
    body text NOT NULL,
    created_at timestamp NOT NULL DEFAULT now()
);
