-- Usernames become unique case-insensitively (citext): `Alice` and `alice` are one name, and login
-- accepts any case. Accounts whose names already clash ignoring case keep working: a bot, else the
-- oldest account, keeps the name, and each other one is renamed to <name>-<first 8 characters of its id>.
CREATE EXTENSION IF NOT EXISTS citext;

UPDATE "User" AS u
SET "username" = u."username" || '-' || left(u."id"::text, 8)
FROM (
  SELECT "id", row_number() OVER (PARTITION BY lower("username") ORDER BY "isBot" DESC, "createdAt", "id") AS n
  FROM "User"
) AS ranked
WHERE ranked."id" = u."id" AND ranked.n > 1;

-- AlterTable
ALTER TABLE "User" ALTER COLUMN "username" SET DATA TYPE CITEXT;
