-- Every change staff make to a consultation: who, when, what (DESIGN §7).
-- Rows are only ever added.
CREATE TABLE changes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation TEXT NOT NULL REFERENCES consultations(id),
    at           TEXT NOT NULL,
    -- The staff token's name, or "command line" for the server's operator.
    by_name      TEXT NOT NULL,
    role         TEXT,
    action       TEXT NOT NULL,
    -- What changed, as data (see core's `admin::Change::detail`).
    detail       TEXT NOT NULL
);
CREATE INDEX changes_newest ON changes (consultation, id DESC);

-- Participation codes for `codes` eligibility. Only a keyed hash of each code
-- is kept: a copy of the database does not reveal a code anyone could vote
-- with. A code belongs to the first device that votes with it.
CREATE TABLE participation_codes (
    consultation TEXT NOT NULL REFERENCES consultations(id),
    code_hash    TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    participant  TEXT,
    used_at      TEXT,
    PRIMARY KEY (consultation, code_hash)
);
