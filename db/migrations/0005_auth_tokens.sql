-- 0005: refresh tokens and password reset tokens. Only SHA-256 digests of
-- the tokens are stored: a leaked table does not leak usable tokens.

CREATE TABLE refresh_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   bytea       NOT NULL,
    -- All tokens descending from one login share a family; reuse of a used
    -- token revokes the whole family (RFC 9700 reuse detection).
    family_id    uuid        NOT NULL DEFAULT gen_random_uuid(),
    parent_id    bigint      REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    issued_at    timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    -- Set when rotated; within the grace window the same successor
    -- (replaced_by) is returned again instead of treating it as reuse.
    used_at      timestamptz,
    replaced_by  bigint      REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    revoked_at   timestamptz,

    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT refresh_tokens_token_hash_sha256 CHECK (length(token_hash) = 32),
    CONSTRAINT refresh_tokens_expiry_after_issue CHECK (expires_at > issued_at)
);

COMMENT ON TABLE refresh_tokens IS
    'Single-use refresh tokens (SHA-256 of 256 random bits), rotated on every refresh.';

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_live_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;


CREATE TABLE password_reset_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,

    CONSTRAINT password_reset_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT password_reset_tokens_token_hash_sha256 CHECK (length(token_hash) = 32),
    CONSTRAINT password_reset_tokens_expiry_after_creation CHECK (expires_at > created_at)
);

COMMENT ON TABLE password_reset_tokens IS
    'Single-use password reset tokens (SHA-256 digest), 30-minute life, delivered by the outbox.';

CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);
