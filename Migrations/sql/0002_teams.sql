-- Teams: team feeds for project coordination, private teams, questions
-- with best answers, pinned announcements. Append-only.

CREATE TABLE teams (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description   TEXT NOT NULL DEFAULT '',
    privacy       TEXT NOT NULL CHECK (privacy IN ('public', 'private')),
    join_policy   TEXT NOT NULL CHECK (join_policy IN ('open', 'request', 'invite')),
    members_count INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES accounts(id),
    created_at    DATETIME NOT NULL,
    archived_at   DATETIME
);

CREATE TABLE team_members (
    team_id    INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (team_id, account_id)
) WITHOUT ROWID;
CREATE INDEX team_members_account ON team_members(account_id, team_id);

-- Pending join requests (join_policy = 'request').
CREATE TABLE team_requests (
    team_id    INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (team_id, account_id)
) WITHOUT ROWID;

CREATE TABLE team_pins (
    team_id    INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    status_id  INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    pinned_by  INTEGER NOT NULL REFERENCES accounts(id),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (team_id, status_id)
) WITHOUT ROWID;
CREATE INDEX team_pins_status ON team_pins(status_id);

-- A team post lives in its team's feed; `kind` marks questions and
-- announcements; a question may have a best answer (a reply in its thread).
ALTER TABLE statuses ADD COLUMN team_id INTEGER REFERENCES teams(id);
ALTER TABLE statuses ADD COLUMN kind TEXT NOT NULL DEFAULT 'status' CHECK (kind IN ('status', 'question', 'announcement'));
ALTER TABLE statuses ADD COLUMN best_answer_id INTEGER;
CREATE INDEX statuses_team ON statuses(team_id, id) WHERE team_id IS NOT NULL;
