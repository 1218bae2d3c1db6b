-- A recipient's key survives a change of password and can be recovered or
-- replaced after an administrator's reset (internal/sqlstore/speakup_key.go).
--
-- key_state: NULL when the key is wrapped under the person's sign-in
-- password; 'reset' after an administrator reset that password (the key is
-- still wrapped under the old one, and the administrator knows the new
-- one, so nothing may be wrapped under it); 'lost' once the person has
-- chosen their own password again: they may unlock the key with their old
-- password, or replace it.
ALTER TABLE speakup_recipients ADD COLUMN key_state TEXT;
-- When the recipient last replaced their key pair: reports routed to them
-- before then, and not sealed again since, are sealed for the old key.
ALTER TABLE speakup_recipients ADD COLUMN rekeyed_at INTEGER;
-- When another recipient last sealed the report again for every reader's
-- current key.
ALTER TABLE speakup_access ADD COLUMN resealed_at INTEGER;
