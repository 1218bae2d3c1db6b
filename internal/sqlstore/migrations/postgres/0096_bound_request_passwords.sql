-- A request made under an intervention to create a person or reset a
-- password holds the hash of its one-time password until a commissioner
-- decides; on approval that hash becomes the person's (and is bound then,
-- 0095). So the pending hash is bound too: password_mac = HMAC(secret,
-- request id, hash), checked before approval, so that nobody who can write
-- to the database swaps in a password they know for the commissioner to
-- approve. Pending requests from before are bound through the log when the
-- server first starts with its key, as person rows are.
ALTER TABLE admin_actions ADD COLUMN password_mac BYTEA;
