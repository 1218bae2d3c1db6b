-- Session and API token rows are bound to a secret derived from the log's
-- signing key, a file outside the database (auth_bind.go): the stored
-- token_hash becomes HMAC-SHA256(secret, token), and mac is an HMAC over
-- the row's token_hash and the fields that give it power (whose it is, its
-- stage, its lifetime). Whoever can write to the database but has not the
-- key file can no longer insert a row that signs them in as someone else,
-- nor move a row of their own to another person.
--
-- Existing sessions are ended: their token_hash is a plain SHA-256 that
-- cannot be turned into the new form without the token, which only the
-- browser holds. Everyone signs in again once. Sessions are not tracked by
-- the log row by row, so deleting them here changes no commitment.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN mac BYTEA;

-- Existing API tokens keep their rows unchanged (so their commitments in
-- the log still hold) with mac NULL, which marks a token made before the
-- binding. Such a token is refused with a message saying to make a new
-- one, and the server revokes it through the log when it starts with its
-- key (sqlstore.Open), so the account page and the log both say so. The
-- alternative, deleting or rewriting the rows here, would do it outside
-- the log and make `vigil verify` report every one of them as tampered.
ALTER TABLE api_tokens ADD COLUMN mac BYTEA;
