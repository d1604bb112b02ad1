-- Each API process keeps the sessions it has checked in memory and forgets one as soon as Postgres says it
-- changed: these triggers NOTIFY "parley_sessions" when a live session ends ('s:' || jti) and when an
-- account's name, role or last-seen time changes or the account goes ('u:' || id). NOTIFY is delivered at
-- commit to every listening process, whoever wrote the change (the app, a CLI or plain SQL).
-- The bodies are escape strings with \073 for each semicolon: the offline migration runner
-- (@prisma/adapter-pg's executeScript) splits a script at every semicolon, even inside a function body.

CREATE FUNCTION parley_session_ended() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF OLD."expiresAt" > (now() AT TIME ZONE ''UTC'') THEN
    PERFORM pg_notify(''parley_sessions'', ''s:'' || OLD.jti)\073
  END IF\073
  RETURN NULL\073
END';

CREATE TRIGGER "Session_ended" AFTER UPDATE OR DELETE ON "Session"
  FOR EACH ROW EXECUTE FUNCTION parley_session_ended();

CREATE FUNCTION parley_user_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE''
    OR OLD.role IS DISTINCT FROM NEW.role
    OR OLD.username IS DISTINCT FROM NEW.username
    OR OLD."isBot" IS DISTINCT FROM NEW."isBot"
    OR OLD."lastSeenAt" IS DISTINCT FROM NEW."lastSeenAt" THEN
    PERFORM pg_notify(''parley_sessions'', ''u:'' || OLD.id)\073
  END IF\073
  RETURN NULL\073
END';

CREATE TRIGGER "User_changed" AFTER UPDATE OR DELETE ON "User"
  FOR EACH ROW EXECUTE FUNCTION parley_user_changed();
