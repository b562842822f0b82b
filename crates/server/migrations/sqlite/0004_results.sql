-- Counters that let results read in milliseconds however many ballots there
-- are, kept in the same transaction as the ballots they count (http/sync.rs).

-- Per item: how many standing ballots (or useful-marks) it has, and a
-- version bumped whenever one of them is stored or replaced. Rankings and
-- budgets are counted from whole ballots; a count is reused while the
-- version it was made at is still current (results.rs).
CREATE TABLE item_stats (
    consultation TEXT NOT NULL REFERENCES consultations(id),
    item         TEXT NOT NULL,
    ballots      INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    PRIMARY KEY (consultation, item)
);

-- Everyone with a standing ballot or useful-mark in a consultation, and when
-- (UTC, as received) the first of them arrived. Ballots are replaced, never
-- removed, so a participant once counted stays counted.
CREATE TABLE participants (
    consultation TEXT NOT NULL REFERENCES consultations(id),
    participant  TEXT NOT NULL,
    first_at     TEXT NOT NULL,
    PRIMARY KEY (consultation, participant)
);

CREATE TABLE consultation_stats (
    consultation TEXT PRIMARY KEY REFERENCES consultations(id),
    participants INTEGER NOT NULL
);

-- Participation over time, per UTC day: participants counted for the first
-- time that day, and actions of any kind accepted that day.
CREATE TABLE daily_stats (
    consultation TEXT NOT NULL REFERENCES consultations(id),
    day          TEXT NOT NULL,
    participants INTEGER NOT NULL,
    actions      INTEGER NOT NULL,
    PRIMARY KEY (consultation, day)
);

-- Moderation: who hid a comment, when and why (NULL while it is shown).
ALTER TABLE comments ADD COLUMN hidden_reason TEXT;
ALTER TABLE comments ADD COLUMN hidden_by TEXT;
ALTER TABLE comments ADD COLUMN hidden_at TEXT;

-- Bring databases that already hold ballots up to date.
INSERT INTO item_stats (consultation, item, ballots, version)
SELECT consultation, item, COUNT(*), 1 FROM ballots GROUP BY consultation, item;

INSERT INTO participants (consultation, participant, first_at)
SELECT b.consultation, b.participant,
       COALESCE((SELECT MIN(a.received_at) FROM actions a
                 WHERE a.consultation = b.consultation AND a.participant = b.participant
                   AND a.kind IN ('ballot', 'feedback')),
                MIN(b.received_at))
FROM ballots b GROUP BY b.consultation, b.participant;

INSERT INTO consultation_stats (consultation, participants)
SELECT consultation, COUNT(*) FROM participants GROUP BY consultation;

INSERT INTO daily_stats (consultation, day, participants, actions)
SELECT consultation, substr(received_at, 1, 10), 0, COUNT(*) FROM actions
GROUP BY consultation, substr(received_at, 1, 10);

INSERT INTO daily_stats (consultation, day, participants, actions)
SELECT consultation, substr(first_at, 1, 10), COUNT(*), 0 FROM participants WHERE true
GROUP BY consultation, substr(first_at, 1, 10)
ON CONFLICT (consultation, day) DO UPDATE SET participants = excluded.participants;
