-- Clerks: staff who enter paper ballots (core's `paper`). A staff token may
-- now have the clerk role; SQLite cannot change a table's CHECK, so the
-- table is made again with every token kept.
CREATE TABLE staff_tokens_clerks (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('publisher', 'analyst', 'clerk')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
INSERT INTO staff_tokens_clerks SELECT id, name, role, token_hash, created_at, revoked_at FROM staff_tokens;
DROP TABLE staff_tokens;
ALTER TABLE staff_tokens_clerks RENAME TO staff_tokens;

-- The channel a ballot came by: NULL online (every phone's ballot, which so
-- costs no byte), 1 on paper, entered by a clerk. Results count both alike
-- and report the paper part, read through an index of the paper rows only.
ALTER TABLE actions ADD COLUMN channel INTEGER;
CREATE INDEX actions_paper ON actions (consultation, item) WHERE channel IS NOT NULL;
