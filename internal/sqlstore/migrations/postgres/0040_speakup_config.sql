-- A deployment's speak-up configuration (vigil serve --speakup FILE, see
-- internal/speakup/config.go): routes that apply only to reports about one
-- organisation, custodians named before they enrol, and each channel's
-- clocks and retention. Every change is a logged row change.

-- about_id: the route applies only to reports about that organisation
-- (NULL: to every report of its channel). A route about an organisation to
-- that organisation is refused by the application; routing drops it anyway.
ALTER TABLE speakup_routes ADD COLUMN about_id TEXT REFERENCES agencies (id);
DROP INDEX speakup_routes_channel;
CREATE UNIQUE INDEX speakup_routes_scope ON speakup_routes (channel, agency_id, COALESCE(about_id, ''));

-- Who is a custodian of reporters' identities. A person may be named
-- before they enrol; enrolment reads this.
CREATE TABLE speakup_custodians (
    id         TEXT PRIMARY KEY,
    version    BIGINT NOT NULL,
    user_id    TEXT NOT NULL UNIQUE REFERENCES users (id),
    active     BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    changed_by TEXT NOT NULL
);

-- A channel's clocks and retention (speakup.Policy), each a vigil.Period
-- as JSON; a channel without a row has speakup.DefaultPolicies.
CREATE TABLE speakup_policies (
    id          TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    channel     TEXT NOT NULL UNIQUE,
    acknowledge TEXT NOT NULL,
    feedback    TEXT NOT NULL,
    retain      TEXT NOT NULL,
    changed_at  BIGINT NOT NULL,
    changed_by  TEXT NOT NULL
);
