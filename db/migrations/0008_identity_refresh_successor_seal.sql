-- 0008 (identity): the refresh-token grace window returns the SAME successor
-- to a client whose rotation response was lost. Only hashes of tokens are
-- stored, so the successor's raw bytes are kept here sealed with a key derived
-- from the parent token's raw bytes (SHA-256 of a label and the parent), which
-- only the holder of the parent has. See Sources/Resolvers/Identity/RefreshTokens.swift.
ALTER TABLE refresh_tokens
    ADD COLUMN successor_seal bytea,
    ADD CONSTRAINT refresh_tokens_successor_seal_length CHECK (successor_seal IS NULL OR length(successor_seal) = 32);

COMMENT ON COLUMN refresh_tokens.successor_seal IS
    'The successor token XOR SHA-256(label || this token): lets the grace window return the same successor.';
