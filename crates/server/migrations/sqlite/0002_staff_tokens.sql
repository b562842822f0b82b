-- Staff tokens (DESIGN §7). Only a SHA-256 of each token is kept: a copy of
-- the database does not let anyone act as staff. Tokens are 244 random bits,
-- so a fast hash is enough (there is nothing to guess by brute force).
CREATE TABLE staff_tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('publisher', 'analyst')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
