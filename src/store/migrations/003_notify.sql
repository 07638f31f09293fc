-- 003_notify: the notification outbox.  Routes say who is told about
-- which events; every notice becomes one message per matching route and
-- waits here until it is delivered, however long the mail server is down.
-- Secrets (SMTP password, webhook keys) are never stored: only where to
-- read them.  Portable SQL like 001 ({{ID}} is the auto primary key).

-- Who is told: an event pattern (exact "incident.new", a prefix
-- "incident.*", or "*"), a minimum severity (NULL: any, including notices
-- without one), and where: an e-mail address or a role ("iso") for mail,
-- a webhook's name for a webhook.
CREATE TABLE notify_route (
	id {{ID}},
	event TEXT NOT NULL,
	min_severity TEXT CHECK (min_severity IN ('low','medium','high','critical')),
	channel TEXT NOT NULL CHECK (channel IN ('mail','webhook')),
	target TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (event, channel, target)
);

-- A webhook receiver.  secret_ref says where its HMAC key is read from at
-- delivery time: "env:VARIABLE" or "file:/path"; NULL sends unsigned.
CREATE TABLE notify_webhook (
	name TEXT PRIMARY KEY,
	url TEXT NOT NULL,
	secret_ref TEXT,
	created_at TEXT NOT NULL
);

-- One message per notice and route.  A mail target may be a role whose
-- address (rcpt) was unknown when it was queued: it stays pending with
-- last_error saying how to configure it, and is resolved again at each
-- attempt.  token makes the Message-ID and the webhook id stable across
-- retries, so a receiver can recognise a repeat.  dedup implements the
-- notice's key: one message per key, channel and target.  retry_base is
-- the attempt count at the last manual retry (the backoff restarts there).
CREATE TABLE notify_message (
	id {{ID}},
	event TEXT NOT NULL,
	ref TEXT NOT NULL,
	severity TEXT CHECK (severity IN ('low','medium','high','critical')),
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	data TEXT,                   -- a JSON object, the webhook's "data"
	channel TEXT NOT NULL CHECK (channel IN ('mail','webhook')),
	target TEXT NOT NULL,
	rcpt TEXT,                   -- mail: the resolved address(es)
	route_id INTEGER REFERENCES notify_route(id) ON DELETE SET NULL,
	dedup TEXT,
	token TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending','delivered','failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	retry_base INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	created_at TEXT NOT NULL,
	delivered_at TEXT,
	last_error TEXT
);
CREATE INDEX notify_message_due ON notify_message(status, next_attempt_at);
CREATE INDEX notify_message_ref ON notify_message(ref);
CREATE UNIQUE INDEX notify_message_dedup ON notify_message(dedup, channel, target);

-- Every delivery attempt: outcome delivered, retry (failed, will be tried
-- again) or failed (given up).
CREATE TABLE notify_attempt (
	id {{ID}},
	message_id INTEGER NOT NULL REFERENCES notify_message(id) ON DELETE CASCADE,
	at TEXT NOT NULL,
	ok INTEGER NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('delivered','retry','failed')),
	detail TEXT
);
CREATE INDEX notify_attempt_msg ON notify_attempt(message_id);
