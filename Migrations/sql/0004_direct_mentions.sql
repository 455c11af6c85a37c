-- A reader's direct posts are one source of their home timeline. Most
-- mentions are in other posts, and reading through all of them (each joined
-- to its post, scattered over the whole table) to find the few direct ones
-- was the slowest part of a first home page at five million posts; the
-- direct ones get their own small index. A post's visibility never changes.
ALTER TABLE mentions ADD COLUMN direct INTEGER NOT NULL DEFAULT 0;
UPDATE mentions SET direct = 1 WHERE status_id IN (SELECT id FROM statuses WHERE visibility = 'direct');
CREATE INDEX mentions_direct ON mentions(account_id, status_id) WHERE direct = 1;
