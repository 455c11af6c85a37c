-- Web sessions: what each was signed in with and where it was last used
-- from, for the person's own list of sessions in /settings. last_used_at
-- (0001) now drives the idle timeout and is written at most once a minute
-- per session; the absolute lifetime counts from created_at.
ALTER TABLE access_tokens ADD COLUMN user_agent TEXT;
ALTER TABLE access_tokens ADD COLUMN ip TEXT;
