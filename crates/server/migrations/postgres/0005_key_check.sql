-- The server's key may be kept apart from the database, in a file given to
-- every server at start (`baraza key export`, `baraza serve --key-file`).
-- The database then keeps only this value to check a given key against:
-- the first 64 bits of an HMAC under the key, from which the key cannot be
-- found. A server given another key refuses to start rather than make every
-- earlier receipt fail to check. A Baraza older than this schema, which
-- would make a new key where it finds none, refuses to open it.
CREATE TABLE key_check (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value TEXT NOT NULL
);
