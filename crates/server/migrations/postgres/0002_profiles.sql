-- The profile of every ranking and budget item, as in the SQLite schema's
-- migration 0008 (see there).
CREATE TABLE profiles (
    item    BIGINT NOT NULL REFERENCES items (n),
    ballot  TEXT NOT NULL,
    voters  BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (item, ballot)
);
CREATE INDEX profiles_changed ON profiles (item, version);

-- The profiles of the ballots standing now, written as sync writes them:
-- JSON without spaces, a budget ballot's projects in byte order.
WITH counted AS (
    SELECT a.item,
           CASE WHEN a.content::jsonb ? 'ranking' THEN
               (SELECT '[' || string_agg(to_json(e.id)::text, ',' ORDER BY e.position) || ']'
                FROM jsonb_array_elements_text(a.content::jsonb -> 'ranking') WITH ORDINALITY AS e(id, position))
           ELSE
               (SELECT '[' || COALESCE(string_agg(to_json(d.id)::text, ',' ORDER BY d.id COLLATE "C"), '') || ']'
                FROM (SELECT DISTINCT e.id FROM jsonb_array_elements_text(a.content::jsonb -> 'projects') AS e(id)) d)
           END AS ballot
    FROM actions a
    WHERE a.kind = 0 AND a.standing AND (a.content::jsonb ? 'ranking' OR a.content::jsonb ? 'projects')
)
INSERT INTO profiles (item, ballot, voters, version)
SELECT counted.item, counted.ballot, COUNT(*), COALESCE(MAX(s.version), 0)
FROM counted LEFT JOIN item_stats s ON s.item = counted.item
GROUP BY counted.item, counted.ballot;
