-- Home timelines are merged on read from posts, follows, teams and tag
-- follows (see HomeMerge): posting writes nothing per follower, so the
-- stored per-reader feed goes.
DROP TABLE home_feed;
