-- The brand bridge: channels to the outside, nominations reviewed by
-- editors, exports delivered exactly once, and the leak guard. Append-only.

CREATE TABLE brand_channels (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    slug              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind              TEXT NOT NULL CHECK (kind IN ('mastodon', 'webhook', 'atom')),
    max_characters    INTEGER NOT NULL CHECK (max_characters > 0),
    -- Internal @mentions become the person's display name (1) or are removed (0).
    mentions_as_names INTEGER NOT NULL DEFAULT 0,
    -- mastodon: the external server and the brand account's token.
    base_url          TEXT,
    access_token      TEXT,
    -- webhook: where brand events go, and the signing secret.
    url               TEXT,
    secret            TEXT,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);

-- A post proposed for the brand channels, with its text frozen at that moment.
CREATE TABLE brand_nominations (
    id            INTEGER PRIMARY KEY,
    status_id     INTEGER NOT NULL, -- no foreign key: the nomination outlives a deleted post (it is retracted)
    author_id     INTEGER NOT NULL REFERENCES accounts(id),
    nominated_by  INTEGER NOT NULL REFERENCES accounts(id),
    note          TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected', 'retracted')),
    reviewed_by   INTEGER REFERENCES accounts(id),
    review_reason TEXT,
    reviewed_at   DATETIME,
    publish_at    DATETIME,
    created_at    DATETIME NOT NULL
);
CREATE INDEX brand_nominations_state ON brand_nominations(state, id);
CREATE INDEX brand_nominations_status ON brand_nominations(status_id);

CREATE TABLE brand_nomination_channels (
    nomination_id INTEGER NOT NULL REFERENCES brand_nominations(id) ON DELETE CASCADE,
    channel_id    INTEGER NOT NULL REFERENCES brand_channels(id) ON DELETE CASCADE,
    PRIMARY KEY (nomination_id, channel_id)
) WITHOUT ROWID;

-- One approved post for one channel. Written with the approval; the worker
-- takes it under a lease. The idempotency key makes a repeated attempt
-- (after a crash between the external call and recording it) return the
-- same external post instead of making a second one.
CREATE TABLE brand_exports (
    id              INTEGER PRIMARY KEY,
    nomination_id   INTEGER NOT NULL REFERENCES brand_nominations(id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL REFERENCES brand_channels(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'published', 'failed', 'retracting', 'retracted', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at DATETIME NOT NULL,
    lease_until     DATETIME,
    external_id     TEXT,
    external_url    TEXT,
    published_at    DATETIME,
    retracted_at    DATETIME,
    created_at      DATETIME NOT NULL,
    UNIQUE (nomination_id, channel_id)
);
CREATE INDEX brand_exports_due ON brand_exports(next_attempt_at) WHERE state IN ('pending', 'retracting');
CREATE INDEX brand_exports_channel ON brand_exports(channel_id, published_at) WHERE state = 'published';

-- The leak guard: words and patterns that block an approval.
CREATE TABLE leak_rules (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('word', 'pattern')),
    value      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES accounts(id),
    created_at DATETIME NOT NULL,
    UNIQUE (kind, value)
);
