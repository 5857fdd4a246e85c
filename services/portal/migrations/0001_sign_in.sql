-- The portal's own tables: one-time sign-in links and sessions. Neither holds a secret:
-- a link's token and a session's id are kept only as SHA-256 hashes.
CREATE TABLE magic_links (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL UNIQUE,
    email text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX magic_links_by_age ON magic_links (expires_at);

CREATE TABLE sessions (
    id_hash bytea PRIMARY KEY,
    email text NOT NULL,
    role text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ended_at timestamptz
);
CREATE INDEX sessions_by_age ON sessions (expires_at);
