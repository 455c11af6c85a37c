-- Installable apps: bot accounts, scoped tokens, signed event webhooks with
-- a durable delivery log, slash commands and incoming hooks. Append-only.

-- One installed app. A company-wide install has team_id NULL; a team install
-- is scoped to that team (its token and its events).
CREATE TABLE apps (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    bot_account_id      INTEGER NOT NULL UNIQUE REFERENCES accounts(id),
    team_id             INTEGER REFERENCES teams(id) ON DELETE CASCADE,
    installed_by        INTEGER NOT NULL REFERENCES accounts(id),
    token_id            INTEGER REFERENCES access_tokens(id) ON DELETE SET NULL,
    scopes              TEXT NOT NULL,
    webhook_url         TEXT,
    -- Space-separated event types the app subscribed to.
    events              TEXT NOT NULL DEFAULT '',
    -- The signing secret must be readable to sign; it is never returned
    -- by the API after install or rotation, and never logged.
    webhook_secret      TEXT NOT NULL,
    -- After a rotation the old secret keeps signing (alongside the new one)
    -- until this moment, so receivers can switch without losing events.
    previous_secret     TEXT,
    previous_expires_at DATETIME,
    -- Set when the receiver answered 410 Gone: nothing is sent until the
    -- URL is updated (pending deliveries wait, new events are not queued).
    disabled_at         DATETIME,
    disabled_reason     TEXT,
    incoming_hash       TEXT UNIQUE,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE INDEX apps_team ON apps(team_id);

-- Slash commands. A name is unique among company-wide apps and within
-- each team; a team's own command wins over a company-wide one.
CREATE TABLE app_commands (
    app_id      INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    scope       INTEGER NOT NULL, -- the app's team id, 0 for company-wide
    PRIMARY KEY (scope, name)
) WITHOUT ROWID;
CREATE INDEX app_commands_app ON app_commands(app_id);

-- One event for one app. message_id is the webhook-id: the same on every
-- attempt. The body is frozen when the event is queued.
CREATE TABLE app_deliveries (
    id              INTEGER PRIMARY KEY,
    app_id          INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    event_id        INTEGER, -- the outbox event it came from (NULL for a test ping)
    message_id      TEXT NOT NULL UNIQUE,
    event_type      TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    next_attempt_at DATETIME,
    lease_until     DATETIME,
    created_at      DATETIME NOT NULL,
    delivered_at    DATETIME
);
-- One outbox event may become two deliveries for one app (a post that
-- mentions the bot is post.created and post.mentioned), never more.
CREATE UNIQUE INDEX app_deliveries_event ON app_deliveries(app_id, event_id, event_type) WHERE event_id IS NOT NULL;
CREATE INDEX app_deliveries_app ON app_deliveries(app_id, id);
CREATE INDEX app_deliveries_due ON app_deliveries(next_attempt_at) WHERE state = 'pending';

-- Where each durable outbox consumer has got to. Created at the newest
-- event so a new consumer does not replay history.
CREATE TABLE outbox_cursors (
    name     TEXT PRIMARY KEY,
    event_id INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO outbox_cursors (name, event_id) SELECT 'apps', coalesce(max(id), 0) FROM outbox;

-- Server-wide settings an administrator changes at run time.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- A token may be limited to one team (a team install's bot token).
ALTER TABLE access_tokens ADD COLUMN team_id INTEGER REFERENCES teams(id) ON DELETE CASCADE;
