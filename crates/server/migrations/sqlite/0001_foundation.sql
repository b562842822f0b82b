-- Published consultation definitions, stored as the JSON core reads.
CREATE TABLE consultations (
    id           TEXT PRIMARY KEY,
    level        TEXT NOT NULL,
    definition   TEXT NOT NULL,
    published_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Every action ever accepted, keyed by the id the device gave it: a batch
-- sent twice finds its actions here and counts them once.
CREATE TABLE actions (
    id           TEXT PRIMARY KEY,
    consultation TEXT NOT NULL REFERENCES consultations(id),
    participant  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    receipt      TEXT NOT NULL,
    received_at  TEXT NOT NULL
);

-- The standing ballot of each participant on each item (useful-marks on
-- information sections included). A newer ballot replaces the older one.
-- No IP address or other network detail is stored here or anywhere.
CREATE TABLE ballots (
    consultation TEXT NOT NULL REFERENCES consultations(id),
    item         TEXT NOT NULL,
    participant  TEXT NOT NULL,
    action_id    TEXT NOT NULL REFERENCES actions(id),
    ballot       TEXT NOT NULL,
    -- The tally keys this ballot added one to, taken back when it is replaced.
    keys         TEXT NOT NULL,
    -- When the device cast it (else when it was received): the later wins.
    cast_at      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (consultation, item, participant)
);

-- Counters kept up to date with the ballots, so results read in milliseconds
-- however many ballots there are. The key is what core's tally_keys names.
CREATE TABLE tallies (
    consultation TEXT NOT NULL REFERENCES consultations(id),
    item         TEXT NOT NULL,
    key          TEXT NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (consultation, item, key)
);

CREATE TABLE comments (
    id           TEXT PRIMARY KEY REFERENCES actions(id),
    consultation TEXT NOT NULL REFERENCES consultations(id),
    item         TEXT,
    reply_to     TEXT REFERENCES comments(id),
    participant  TEXT NOT NULL,
    body         TEXT NOT NULL,
    language     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    hidden       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX comments_newest ON comments (consultation, created_at DESC, id DESC);

CREATE TABLE reactions (
    comment     TEXT NOT NULL REFERENCES comments(id),
    participant TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (comment, participant)
);

-- Server-wide values made once, such as the key that signs receipts.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
