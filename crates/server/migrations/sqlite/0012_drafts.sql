-- Drafts: definitions publishers are still writing in the staff editor,
-- for staff only. They are kept apart from `consultations`, which every
-- citizen route reads, so no public route can reach a draft. A draft's
-- definition is kept as written, whatever rules it still breaks.
CREATE TABLE drafts (
    id           TEXT PRIMARY KEY,
    definition   TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    -- The consultation it was last published as.
    published_as TEXT
);
CREATE INDEX drafts_newest ON drafts (updated_at DESC);

-- Who created, edited and published each draft, and when. A draft's log
-- goes with it when it is deleted; what it was published as stays in the
-- consultation's own change log.
CREATE TABLE draft_changes (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    draft   TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
    at      INTEGER NOT NULL,
    by_name TEXT NOT NULL,
    role    TEXT,
    action  TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE INDEX draft_changes_newest ON draft_changes (draft, id DESC);
