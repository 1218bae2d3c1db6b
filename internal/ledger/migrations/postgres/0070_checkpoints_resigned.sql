-- A log re-signs its checkpoint every ten minutes while idle, with a new
-- timestamp, so that auditors can tell a live log from a frozen copy: the
-- same tree size is then signed more than once, and every signature is
-- kept.
ALTER TABLE log_checkpoints DROP CONSTRAINT log_checkpoints_pkey;
ALTER TABLE log_checkpoints ADD PRIMARY KEY (size, signed_at);
