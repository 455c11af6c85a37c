-- A brand channel can be disabled for a while (its external account being
-- moved, its receiver down for maintenance) instead of deleted. While it is,
-- it takes no nominations or approvals and its approved exports wait; its
-- retractions still run. NULL: enabled.
ALTER TABLE brand_channels ADD COLUMN disabled_at DATETIME;
