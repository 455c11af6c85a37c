-- Chorus spine: accounts, OAuth, posts, follows, timelines, notifications,
-- search, the outbox. Append-only: never edit this file once shipped.

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name    TEXT NOT NULL DEFAULT '',
    email           TEXT UNIQUE COLLATE NOCASE,
    note            TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'editor', 'admin')),
    password_hash   TEXT,
    is_bot          INTEGER NOT NULL DEFAULT 0,
    is_active       INTEGER NOT NULL DEFAULT 1,
    locale          TEXT,
    created_at      DATETIME NOT NULL,
    followers_count INTEGER NOT NULL DEFAULT 0,
    following_count INTEGER NOT NULL DEFAULT 0,
    statuses_count  INTEGER NOT NULL DEFAULT 0,
    last_status_at  DATETIME
);

CREATE TABLE oauth_apps (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    website            TEXT,
    redirect_uris      TEXT NOT NULL,
    scopes             TEXT NOT NULL,
    client_id          TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL,
    owner_account_id   INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    created_at         DATETIME NOT NULL
);

-- Authorization codes live ten minutes and are stored only as hashes.
CREATE TABLE oauth_codes (
    code_hash       TEXT PRIMARY KEY,
    app_id          INTEGER NOT NULL REFERENCES oauth_apps(id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    scopes          TEXT NOT NULL,
    redirect_uri    TEXT NOT NULL,
    code_challenge  TEXT,
    expires_at      DATETIME NOT NULL
) WITHOUT ROWID;

-- Bearer tokens and web sessions: a random 256-bit value, stored only as
-- its SHA-256 hash. account_id is NULL for client_credentials tokens.
CREATE TABLE access_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL DEFAULT 'oauth' CHECK (kind IN ('oauth', 'session')),
    app_id       INTEGER REFERENCES oauth_apps(id) ON DELETE CASCADE,
    account_id   INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    scopes       TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME
);
CREATE INDEX access_tokens_account ON access_tokens(account_id);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL DEFAULT 'member',
    email       TEXT,
    created_by  INTEGER NOT NULL REFERENCES accounts(id),
    created_at  DATETIME NOT NULL,
    expires_at  DATETIME NOT NULL,
    used_at     DATETIME,
    used_by     INTEGER REFERENCES accounts(id)
);

CREATE TABLE statuses (
    id                     INTEGER PRIMARY KEY,
    account_id             INTEGER NOT NULL REFERENCES accounts(id),
    text                   TEXT NOT NULL,
    content_html           TEXT NOT NULL,
    visibility             TEXT NOT NULL CHECK (visibility IN ('company', 'followers', 'team', 'direct')),
    spoiler_text           TEXT NOT NULL DEFAULT '',
    sensitive              INTEGER NOT NULL DEFAULT 0,
    language               TEXT,
    in_reply_to_id         INTEGER REFERENCES statuses(id) ON DELETE SET NULL,
    in_reply_to_account_id INTEGER REFERENCES accounts(id),
    reblog_of_id           INTEGER REFERENCES statuses(id) ON DELETE CASCADE,
    quote_of_id            INTEGER, -- no foreign key: a quote outlives the quoted post (state "deleted")
    application_name       TEXT,
    created_at             DATETIME NOT NULL,
    edited_at              DATETIME,
    replies_count          INTEGER NOT NULL DEFAULT 0,
    reblogs_count          INTEGER NOT NULL DEFAULT 0,
    favourites_count       INTEGER NOT NULL DEFAULT 0,
    quotes_count           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX statuses_account ON statuses(account_id, id);
CREATE INDEX statuses_reply ON statuses(in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX statuses_reblog ON statuses(reblog_of_id, account_id) WHERE reblog_of_id IS NOT NULL;
CREATE INDEX statuses_quote ON statuses(quote_of_id) WHERE quote_of_id IS NOT NULL;
-- The company timeline: every company-visible original post, newest first.
CREATE INDEX statuses_company ON statuses(id) WHERE visibility = 'company' AND reblog_of_id IS NULL;

CREATE TABLE mentions (
    status_id  INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (status_id, account_id)
) WITHOUT ROWID;
CREATE INDEX mentions_account ON mentions(account_id, status_id);

CREATE TABLE tags (
    name         TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME NOT NULL,
    uses_count   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE status_tags (
    tag       TEXT NOT NULL REFERENCES tags(name),
    status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, status_id)
) WITHOUT ROWID;
CREATE INDEX status_tags_status ON status_tags(status_id);

CREATE TABLE tag_follows (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL REFERENCES tags(name),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (account_id, tag)
) WITHOUT ROWID;
CREATE INDEX tag_follows_tag ON tag_follows(tag, account_id);

CREATE TABLE follows (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    target_account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at        DATETIME NOT NULL,
    UNIQUE (account_id, target_account_id)
);
CREATE INDEX follows_target ON follows(target_account_id, account_id);

CREATE TABLE favourites (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status_id  INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    UNIQUE (status_id, account_id)
);
CREATE INDEX favourites_account ON favourites(account_id, id);

-- Home timelines, fanned out on write: one row per reader and post.
-- author_id is who put it there (the reblogger for a reblog), for unfollow.
CREATE TABLE home_feed (
    account_id INTEGER NOT NULL,
    status_id  INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL,
    PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;
CREATE INDEX home_feed_status ON home_feed(status_id);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    type            TEXT NOT NULL,
    from_account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status_id       INTEGER REFERENCES statuses(id) ON DELETE CASCADE,
    created_at      DATETIME NOT NULL,
    read_at         DATETIME
);
CREATE INDEX notifications_account ON notifications(account_id, id);
CREATE INDEX notifications_status ON notifications(status_id) WHERE status_id IS NOT NULL;

-- Idempotency-Key of POST /api/v1/statuses: same key and user within an hour
-- returns the same status.
CREATE TABLE idempotency_keys (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    status_id  INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;

-- Full-text search: each status's terms (CJK bigrams, lowercased words),
-- rowid = status id.
CREATE VIRTUAL TABLE status_search USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2');

-- Domain events, written in the same transaction as the change they describe.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    type       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at DATETIME NOT NULL
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    actor_id   INTEGER REFERENCES accounts(id),
    action     TEXT NOT NULL,
    subject    TEXT,
    detail     TEXT NOT NULL DEFAULT '{}',
    ip         TEXT,
    created_at DATETIME NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
