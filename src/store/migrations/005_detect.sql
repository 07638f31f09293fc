-- 005_detect: alerts of detection runs (detect run --store) and which
-- incident gathers the alerts of a rule on a host (--open-incidents).
-- Portable SQL like 001 ({{ID}} is the auto primary key); times are
-- ISO-8601 UTC text.

CREATE TABLE detect_alert (
	id {{ID}},
	-- what makes an alert the same alert when a run is repeated: the
	-- rule, the input, the record, and a correlation's group and start
	fingerprint TEXT NOT NULL UNIQUE,
	rule_id TEXT NOT NULL,             -- the Sigma id (or the title)
	rule_title TEXT NOT NULL,
	level TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('event','correlation')),
	event_time TEXT,                   -- the event's (or the trigger's) time
	host TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL,
	record INTEGER NOT NULL,
	count INTEGER NOT NULL DEFAULT 1,
	group_json TEXT,                   -- correlation: group-by values
	fields_json TEXT,                  -- the fields the rule read
	stored_at TEXT NOT NULL,
	incident_id INTEGER REFERENCES incident(id)
);
CREATE INDEX detect_alert_rule ON detect_alert(rule_id, host, event_time);

CREATE TABLE detect_incident (
	rule_id TEXT NOT NULL,
	host TEXT NOT NULL,
	incident_id INTEGER NOT NULL REFERENCES incident(id),
	last_alert TEXT NOT NULL,          -- event time of the last alert joined
	PRIMARY KEY (rule_id, host)
);
