-- What each queued app delivery is about, so the delivery worker can check
-- before every attempt (retries and redeliveries included) that the app's
-- bot may still see it: a post deleted, a team left or a bot deactivated
-- since the event was queued means the frozen body is never sent.
ALTER TABLE app_deliveries ADD COLUMN status_id INTEGER;
ALTER TABLE app_deliveries ADD COLUMN team_id INTEGER;
UPDATE app_deliveries
SET status_id = (SELECT json_extract(o.payload, '$.status_id') FROM outbox o WHERE o.id = app_deliveries.event_id),
    team_id = (SELECT json_extract(o.payload, '$.team_id') FROM outbox o WHERE o.id = app_deliveries.event_id)
WHERE state = 'pending' AND event_id IS NOT NULL;
