-- Fixture for MigratorTests: a table and a seed row.
CREATE TABLE notes (
    id bigserial PRIMARY KEY,
    body text NOT NULL CHECK (body <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO notes (body) VALUES ('first');
