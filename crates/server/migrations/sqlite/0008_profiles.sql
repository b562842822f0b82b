-- The profile of every ranking and budget item: each distinct standing
-- ballot as core's count::counted_as writes it (a ranking's order; a budget
-- ballot's projects, sorted), as JSON, with how many voters cast it. Sync
-- keeps it with the ballots, so a count reads the distinct ballots, not
-- every ballot. `version` is the item's version in item_stats when the
-- entry last changed: a server that has read an item's profile up to one
-- version reads only the entries changed since.
CREATE TABLE profiles (
    item    INTEGER NOT NULL REFERENCES items (n),
    ballot  TEXT NOT NULL,
    voters  INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (item, ballot)
) WITHOUT ROWID;
CREATE INDEX profiles_changed ON profiles (item, version);

-- The profiles of the ballots standing now.
INSERT INTO profiles (item, ballot, voters, version)
SELECT a.item, json_extract(a.content, '$.ranking'), COUNT(*), COALESCE(MAX(s.version), 0)
FROM actions a LEFT JOIN item_stats s ON s.item = a.item
WHERE a.kind = 0 AND a.standing AND json_type(a.content, '$.ranking') = 'array'
GROUP BY a.item, json_extract(a.content, '$.ranking');

INSERT INTO profiles (item, ballot, voters, version)
SELECT counted.item, counted.ballot, COUNT(*), COALESCE(MAX(s.version), 0)
FROM (SELECT a.item,
             (SELECT json_group_array(value)
              FROM (SELECT DISTINCT value FROM json_each(a.content, '$.projects') ORDER BY value)) AS ballot
      FROM actions a
      WHERE a.kind = 0 AND a.standing AND json_type(a.content, '$.projects') = 'array') counted
LEFT JOIN item_stats s ON s.item = counted.item
GROUP BY counted.item, counted.ballot;
