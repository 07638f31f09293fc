-- SQLite only.  SQLite checks "x IN ('a','b','c',...)" with more than two
-- constants by building a temporary b-tree of the constants, and it builds
-- it again on every execution of an INSERT or UPDATE of the table: three
-- of them per finding (severity, status, priority), a fifth of the time of
-- a large import.  The same rules written as OR chains are compared in
-- place.  SQLite cannot change a CHECK in place, so the table is rebuilt
-- the documented way (create, copy, drop, rename); the migration runs with
-- foreign keys off and is checked with foreign_key_check before it
-- commits.  PostgreSQL has no such cost and skips this step.
CREATE TABLE finding_new (
	id {{ID}},
	scope TEXT NOT NULL,
	fkey TEXT NOT NULL,
	rule_id INTEGER NOT NULL REFERENCES vuln_rule(id),
	asset_id INTEGER NOT NULL REFERENCES asset(id),
	host TEXT NOT NULL,
	port INTEGER,
	protocol TEXT,
	path TEXT,
	component TEXT,
	component_version TEXT,
	file_path TEXT,
	line INTEGER,
	severity TEXT NOT NULL CHECK (severity = 'Info' OR severity = 'Low'
		OR severity = 'Medium' OR severity = 'High'
		OR severity = 'Critical'),
	authenticated INTEGER NOT NULL DEFAULT 0,
	evidence TEXT,
	status TEXT NOT NULL DEFAULT 'open'
		CHECK (status = 'open' OR status = 'fixed' OR status = 'not_seen'
			OR status = 'false_positive' OR status = 'risk_accepted'),
	status_reason TEXT,
	status_by TEXT,
	status_at TEXT NOT NULL,
	risk_id INTEGER REFERENCES risk(id),
	priority TEXT CHECK (priority = 'P1' OR priority = 'P2'
		OR priority = 'P3' OR priority = 'P4'),
	priority_score REAL,
	due TEXT,
	first_seen TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	first_scan_id INTEGER NOT NULL REFERENCES scan(id),
	last_scan_id INTEGER NOT NULL REFERENCES scan(id),
	fixed_at TEXT,
	times_reopened INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
INSERT INTO finding_new SELECT * FROM finding;
DROP TABLE finding;
ALTER TABLE finding_new RENAME TO finding;
CREATE UNIQUE INDEX finding_key ON finding(scope, asset_id, fkey);
CREATE INDEX finding_accepted ON finding(risk_id) WHERE status = 'risk_accepted';
