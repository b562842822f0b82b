-- Lean rows. Consultations and items get integer keys, ids of actions and
-- participants are stored as their 16 bytes, times as milliseconds since
-- 1970 UTC, and each action once: the ballot is a column of its action's
-- row, which also says whether it is the participant's standing ballot, so
-- there is no second copy of it and no table of participants. Actions are
-- keyed by consultation, participant and id, the one B-tree a ballot adds
-- to: a participant's actions lie together, which is all sync looks up.
--
-- Every ballot, receipt, comment, code and change is carried over. An
-- action received before this keeps the exact text its receipt signed
-- (`signed`), so every receipt given out still checks.

CREATE TABLE consultations_lean (
    n            INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    level        TEXT NOT NULL,
    definition   TEXT NOT NULL,
    -- Moves with every change of the definition: servers keep definitions
    -- in memory and read one again only when its revision moved.
    revision     INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
INSERT INTO consultations_lean (id, level, definition, revision, published_at, updated_at)
SELECT id, level, definition, 1,
       unixepoch(substr(published_at, 1, 19)) * 1000 + CAST(substr(published_at, 21, 3) AS INTEGER),
       unixepoch(substr(updated_at, 1, 19)) * 1000 + CAST(substr(updated_at, 21, 3) AS INTEGER)
FROM consultations ORDER BY published_at, id;

-- The items of each consultation, by number.
CREATE TABLE items (
    n            INTEGER PRIMARY KEY,
    consultation INTEGER NOT NULL REFERENCES consultations_lean (n),
    id           TEXT NOT NULL,
    UNIQUE (consultation, id)
);
INSERT INTO items (consultation, id)
SELECT c.n, json_extract(item.value, '$.id')
FROM consultations_lean c, json_each(c.definition, '$.items') item
ORDER BY c.n, item.key;
-- Items that ballots or counters name but the definition no longer lists.
INSERT OR IGNORE INTO items (consultation, id)
SELECT c.n, b.item FROM ballots b JOIN consultations_lean c ON c.id = b.consultation;
INSERT OR IGNORE INTO items (consultation, id)
SELECT c.n, json_extract(a.payload, '$.item') FROM actions a JOIN consultations_lean c ON c.id = a.consultation
WHERE a.kind IN ('ballot', 'feedback');
INSERT OR IGNORE INTO items (consultation, id)
SELECT c.n, t.item FROM tallies t JOIN consultations_lean c ON c.id = t.consultation;
INSERT OR IGNORE INTO items (consultation, id)
SELECT c.n, s.item FROM item_stats s JOIN consultations_lean c ON c.id = s.consultation;

-- Every action accepted, each once. `kind`: 0 ballot, 1 useful-mark, 2
-- comment, 3 reaction. `content`: the ballot's JSON, `true` or `false` for a
-- useful-mark, `{"comment", "value"}` for a reaction; a comment's text is in
-- `comments`. `standing`, for ballots and useful-marks: whether it is the
-- participant's ballot on the item as it stands (a newer one replaces it).
-- `cast_at`: when the device says it was cast, if it said. No foreign key:
-- sync checks what an action names, and a ballot then costs one B-tree.
CREATE TABLE actions_lean (
    consultation INTEGER NOT NULL,
    participant  BLOB NOT NULL,
    id           BLOB NOT NULL,
    kind         INTEGER NOT NULL,
    item         INTEGER,
    standing     INTEGER,
    content      TEXT,
    cast_at      INTEGER,
    received_at  INTEGER NOT NULL,
    receipt      BLOB NOT NULL,
    signed       TEXT,
    PRIMARY KEY (consultation, participant, id)
) WITHOUT ROWID;
-- Ballots stand under their voter (see 0006), which is where the ballot's
-- row now lies; other actions under who sent them.
CREATE INDEX ballots_by_action ON ballots (action_id);
INSERT INTO actions_lean
SELECT c.n,
       CASE WHEN COALESCE(b.participant, a.participant) LIKE 'voter:%'
                 THEN unhex(substr(COALESCE(b.participant, a.participant), 7))
            WHEN COALESCE(b.participant, a.participant) LIKE 'code:%'
                 THEN CAST(COALESCE(b.participant, a.participant) AS BLOB)
            ELSE unhex(replace(COALESCE(b.participant, a.participant), '-', '')) END,
       unhex(replace(a.id, '-', '')),
       CASE a.kind WHEN 'ballot' THEN 0 WHEN 'feedback' THEN 1 WHEN 'comment' THEN 2 ELSE 3 END,
       CASE WHEN a.kind IN ('ballot', 'feedback') THEN
           (SELECT i.n FROM items i WHERE i.consultation = c.n AND i.id = json_extract(a.payload, '$.item')) END,
       CASE WHEN a.kind IN ('ballot', 'feedback') THEN b.action_id IS NOT NULL END,
       CASE a.kind
           WHEN 'ballot' THEN json_extract(a.payload, '$.ballot')
           WHEN 'feedback' THEN CASE json_extract(a.payload, '$.useful') WHEN 1 THEN 'true' ELSE 'false' END
           WHEN 'reaction' THEN json_object('comment', json_extract(a.payload, '$.comment'),
                                            'value', json_extract(a.payload, '$.value')) END,
       CAST(round(unixepoch(json_extract(a.payload, '$.cast_at'), 'subsec') * 1000) AS INTEGER),
       unixepoch(substr(a.received_at, 1, 19)) * 1000 + CAST(substr(a.received_at, 21, 3) AS INTEGER),
       unhex(a.receipt),
       a.payload
FROM actions a
JOIN consultations_lean c ON c.id = a.consultation
LEFT JOIN ballots b ON b.action_id = a.id;

CREATE TABLE tallies_lean (
    item  INTEGER NOT NULL REFERENCES items (n),
    key   TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (item, key)
) WITHOUT ROWID;
INSERT INTO tallies_lean
SELECT i.n, t.key, t.count FROM tallies t
JOIN consultations_lean c ON c.id = t.consultation JOIN items i ON i.consultation = c.n AND i.id = t.item;

CREATE TABLE item_stats_lean (
    item    INTEGER PRIMARY KEY REFERENCES items (n),
    ballots INTEGER NOT NULL,
    version INTEGER NOT NULL
);
INSERT INTO item_stats_lean
SELECT i.n, s.ballots, s.version FROM item_stats s
JOIN consultations_lean c ON c.id = s.consultation JOIN items i ON i.consultation = c.n AND i.id = s.item;

CREATE TABLE consultation_stats_lean (
    consultation INTEGER PRIMARY KEY REFERENCES consultations_lean (n),
    participants INTEGER NOT NULL
);
INSERT INTO consultation_stats_lean
SELECT c.n, s.participants FROM consultation_stats s JOIN consultations_lean c ON c.id = s.consultation;

CREATE TABLE daily_stats_lean (
    consultation INTEGER NOT NULL REFERENCES consultations_lean (n),
    day          TEXT NOT NULL,
    participants INTEGER NOT NULL,
    actions      INTEGER NOT NULL,
    PRIMARY KEY (consultation, day)
) WITHOUT ROWID;
INSERT INTO daily_stats_lean
SELECT c.n, s.day, s.participants, s.actions FROM daily_stats s JOIN consultations_lean c ON c.id = s.consultation;

CREATE TABLE comments_lean (
    id            BLOB PRIMARY KEY,
    consultation  INTEGER NOT NULL REFERENCES consultations_lean (n),
    item          TEXT,
    reply_to      BLOB REFERENCES comments_lean (id),
    participant   BLOB NOT NULL,
    body          TEXT NOT NULL,
    language      TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    hidden        INTEGER NOT NULL DEFAULT FALSE,
    hidden_reason TEXT,
    hidden_by     TEXT,
    hidden_at     INTEGER
);
INSERT INTO comments_lean
SELECT unhex(replace(m.id, '-', '')), c.n, m.item, unhex(replace(m.reply_to, '-', '')),
       unhex(replace(m.participant, '-', '')), m.body, m.language,
       unixepoch(substr(m.created_at, 1, 19)) * 1000 + CAST(substr(m.created_at, 21, 3) AS INTEGER),
       m.hidden != 0, m.hidden_reason, m.hidden_by,
       unixepoch(substr(m.hidden_at, 1, 19)) * 1000 + CAST(substr(m.hidden_at, 21, 3) AS INTEGER)
FROM comments m JOIN consultations_lean c ON c.id = m.consultation
ORDER BY m.created_at;

CREATE TABLE reactions_lean (
    comment     BLOB NOT NULL REFERENCES comments_lean (id),
    participant BLOB NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (comment, participant)
) WITHOUT ROWID;
INSERT INTO reactions_lean
SELECT unhex(replace(comment, '-', '')), unhex(replace(participant, '-', '')), value FROM reactions;

CREATE TABLE participation_codes_lean (
    consultation       INTEGER NOT NULL REFERENCES consultations_lean (n),
    code_hash          TEXT NOT NULL,
    issued_at          INTEGER NOT NULL,
    participant        BLOB,
    used_at            TEXT,
    ballots_under_hash INTEGER NOT NULL DEFAULT FALSE,
    PRIMARY KEY (consultation, code_hash)
) WITHOUT ROWID;
INSERT INTO participation_codes_lean
SELECT c.n, p.code_hash,
       unixepoch(substr(p.issued_at, 1, 19)) * 1000 + CAST(substr(p.issued_at, 21, 3) AS INTEGER),
       unhex(replace(p.participant, '-', '')), p.used_at, p.ballots_under_hash
FROM participation_codes p JOIN consultations_lean c ON c.id = p.consultation;

CREATE TABLE changes_lean (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation INTEGER NOT NULL REFERENCES consultations_lean (n),
    at           INTEGER NOT NULL,
    by_name      TEXT NOT NULL,
    role         TEXT,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL
);
INSERT INTO changes_lean
SELECT h.id, c.n, unixepoch(substr(h.at, 1, 19)) * 1000 + CAST(substr(h.at, 21, 3) AS INTEGER),
       h.by_name, h.role, h.action, h.detail
FROM changes h JOIN consultations_lean c ON c.id = h.consultation;

CREATE TABLE staff_tokens_lean (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('publisher', 'analyst')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
INSERT INTO staff_tokens_lean
SELECT id, name, role, token_hash,
       unixepoch(substr(created_at, 1, 19)) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER),
       unixepoch(substr(revoked_at, 1, 19)) * 1000 + CAST(substr(revoked_at, 21, 3) AS INTEGER)
FROM staff_tokens;

-- Children first, so that no row is left pointing at a dropped one.
DROP TABLE reactions;
DROP TABLE ballots;
DROP TABLE tallies;
DROP TABLE item_stats;
DROP TABLE participants;
DROP TABLE consultation_stats;
DROP TABLE daily_stats;
DROP TABLE participation_codes;
DROP TABLE changes;
DROP TABLE comments;
DROP TABLE actions;
DROP TABLE consultations;
DROP TABLE staff_tokens;

-- Renaming a table renames it in the foreign keys that name it too.
ALTER TABLE consultations_lean RENAME TO consultations;
ALTER TABLE actions_lean RENAME TO actions;
ALTER TABLE tallies_lean RENAME TO tallies;
ALTER TABLE item_stats_lean RENAME TO item_stats;
ALTER TABLE consultation_stats_lean RENAME TO consultation_stats;
ALTER TABLE daily_stats_lean RENAME TO daily_stats;
ALTER TABLE comments_lean RENAME TO comments;
ALTER TABLE reactions_lean RENAME TO reactions;
ALTER TABLE participation_codes_lean RENAME TO participation_codes;
ALTER TABLE changes_lean RENAME TO changes;
ALTER TABLE staff_tokens_lean RENAME TO staff_tokens;

CREATE INDEX comments_newest ON comments (consultation, created_at DESC, id DESC);
CREATE INDEX changes_newest ON changes (consultation, id DESC);
