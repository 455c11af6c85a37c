-- A team's address (slug) no longer has to be unique across the company.
-- With one company-wide namespace, "that address is taken" told anyone that
-- a private team they cannot see exists. Now an address is refused only
-- when a team the creator can see (a public one, or one they are in) has
-- it; several teams may share an address when the others are private, and
-- each person's /teams/ADDRESS resolves to the one they can see (their own
-- team first). SQLite cannot drop a column's UNIQUE constraint, so the
-- table is rebuilt; foreign keys are checked after the migration.
CREATE TABLE teams_new (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL COLLATE NOCASE,
    description   TEXT NOT NULL DEFAULT '',
    privacy       TEXT NOT NULL CHECK (privacy IN ('public', 'private')),
    join_policy   TEXT NOT NULL CHECK (join_policy IN ('open', 'request', 'invite')),
    members_count INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES accounts(id),
    created_at    DATETIME NOT NULL,
    archived_at   DATETIME
);
INSERT INTO teams_new (id, name, slug, description, privacy, join_policy, members_count, created_by, created_at, archived_at)
SELECT id, name, slug, description, privacy, join_policy, members_count, created_by, created_at, archived_at FROM teams;
DROP TABLE teams;
ALTER TABLE teams_new RENAME TO teams;
CREATE INDEX teams_slug ON teams(slug COLLATE NOCASE);
