-- Vulnerability management: imported scans, findings per asset and place,
-- their history, and the threat intelligence (KEV, EPSS) that prioritises
-- them.  Portable SQL like 001 ({{ID}} is the auto primary key).

-- A scanner rule (Nessus plugin, OpenVAS OID, Qualys QID, ZAP plugin,
-- Trivy/Grype vulnerability id, SARIF rule...): what the finding is, stored
-- once however many places it is found in.
CREATE TABLE vuln_rule (
	id {{ID}},
	scanner TEXT NOT NULL,       -- format family: nessus, openvas, trivy, ...
	rule TEXT NOT NULL,          -- the scanner's id for it
	title TEXT NOT NULL,
	description TEXT,
	mitigation TEXT,
	refs TEXT,
	cvss3 REAL,
	cvss3_vector TEXT,
	cvss4 REAL,
	cvss4_vector TEXT,
	cwe INTEGER,
	epss_reported REAL,          -- EPSS the scanner itself reported
	updated_at TEXT NOT NULL,
	UNIQUE (scanner, rule)
);

CREATE TABLE vuln_rule_cve (
	rule_id INTEGER NOT NULL REFERENCES vuln_rule(id) ON DELETE CASCADE,
	cve TEXT NOT NULL,           -- CVE-..., GHSA-..., as the scanner names it
	PRIMARY KEY (rule_id, cve)
);
CREATE INDEX vuln_rule_cve_cve ON vuln_rule_cve(cve);

-- One imported report.  A scope groups the scans that re-scan the same
-- thing: a finding absent from a newer scan of its scope is fixed or not
-- seen.  The same file imported twice into a scope is refused as a no-op.
CREATE TABLE scan (
	id {{ID}},
	scope TEXT NOT NULL,
	format TEXT NOT NULL,
	scanner TEXT NOT NULL,       -- format family
	name TEXT,
	source TEXT NOT NULL,        -- file name as given
	sha256 TEXT NOT NULL,
	bytes INTEGER NOT NULL,
	entity_id INTEGER REFERENCES entity(id),
	scanned_at TEXT NOT NULL,    -- from the report, else the import time
	imported_at TEXT NOT NULL,
	imported_by TEXT NOT NULL,
	items INTEGER NOT NULL DEFAULT 0,
	hosts INTEGER NOT NULL DEFAULT 0,
	created INTEGER NOT NULL DEFAULT 0,
	reopened INTEGER NOT NULL DEFAULT 0,
	changed INTEGER NOT NULL DEFAULT 0,
	fixed INTEGER NOT NULL DEFAULT 0,
	not_seen INTEGER NOT NULL DEFAULT 0,
	unchanged INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX scan_file ON scan(scope, sha256);

-- What a scan covered: the hosts it reached (by address, or name when the
-- report gives none; an asset can have several), whether it logged in, and
-- the ports it reported anything on.
CREATE TABLE scan_host (
	scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
	host TEXT NOT NULL,
	asset_id INTEGER NOT NULL REFERENCES asset(id),
	authenticated INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (scan_id, host)
) {{NOROWID}};
CREATE TABLE scan_port (
	scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
	host TEXT NOT NULL,
	port INTEGER NOT NULL,
	protocol TEXT NOT NULL,
	PRIMARY KEY (scan_id, host, port, protocol)
) {{NOROWID}};

-- A finding: one rule at one place (asset and host + port/protocol, URL
-- path, component and version, or file and line) within a scope.  fkey is
-- a hash of those stable keys only, never of free text.
CREATE TABLE finding (
	id {{ID}},
	scope TEXT NOT NULL,
	fkey TEXT NOT NULL,
	rule_id INTEGER NOT NULL REFERENCES vuln_rule(id),
	asset_id INTEGER NOT NULL REFERENCES asset(id),
	host TEXT NOT NULL,          -- the asset's address or name the scan used
	port INTEGER,
	protocol TEXT,
	path TEXT,                   -- URL path (web scanners)
	component TEXT,
	component_version TEXT,
	file_path TEXT,
	line INTEGER,
	severity TEXT NOT NULL CHECK (severity IN ('Info','Low','Medium','High','Critical')),
	authenticated INTEGER NOT NULL DEFAULT 0,
	evidence TEXT,               -- latest plugin output / matched text, capped
	status TEXT NOT NULL DEFAULT 'open'
		CHECK (status IN ('open','fixed','not_seen','false_positive','risk_accepted')),
	status_reason TEXT,
	status_by TEXT,
	status_at TEXT NOT NULL,
	risk_id INTEGER REFERENCES risk(id),
	priority TEXT CHECK (priority IN ('P1','P2','P3','P4')),
	priority_score REAL,
	due TEXT,                    -- remediation deadline (YYYY-MM-DD)
	first_seen TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	first_scan_id INTEGER NOT NULL REFERENCES scan(id),
	last_scan_id INTEGER NOT NULL REFERENCES scan(id),
	fixed_at TEXT,
	times_reopened INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
-- The identity.  fkey already covers the asset; leading with asset_id keeps
-- one host's findings together in the index, so a large import touches a
-- few pages per host instead of one random page per finding.
CREATE UNIQUE INDEX finding_key ON finding(scope, asset_id, fkey);
-- No other full index on purpose: each would cost every finding of a large
-- import.  finding_key serves a scope and an asset within it; the re-scan
-- pass reads every finding of the scope anyway.  The acceptance sweep that
-- starts every vuln command reads only the few accepted ones.
CREATE INDEX finding_accepted ON finding(risk_id) WHERE status = 'risk_accepted';

-- The scans that saw a finding again, and with what severity.  The first
-- sighting is finding.first_scan_id, not a row here: most findings of a
-- large import are new, and each would cost a row and its key.
CREATE TABLE finding_scan (
	finding_id INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
	scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
	severity TEXT NOT NULL,
	PRIMARY KEY (finding_id, scan_id)
) {{NOROWID}};

-- Every change of a finding: created, status changes (who, when, why),
-- severity changes, links to risks.
CREATE TABLE finding_event (
	id {{ID}},
	finding_id INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	kind TEXT NOT NULL,          -- created, status, severity, risk
	old_value TEXT,
	new_value TEXT,
	reason TEXT,
	scan_id INTEGER REFERENCES scan(id)
);
CREATE INDEX finding_event_finding ON finding_event(finding_id);

-- CISA's Known Exploited Vulnerabilities catalogue, as last loaded.
CREATE TABLE kev (
	cve TEXT PRIMARY KEY,
	vendor TEXT,
	product TEXT,
	name TEXT,
	date_added TEXT,
	due_date TEXT,
	ransomware TEXT,
	loaded_at TEXT NOT NULL
);

-- FIRST's EPSS scores, as last loaded.
CREATE TABLE epss (
	cve TEXT PRIMARY KEY,
	score REAL NOT NULL,
	percentile REAL,
	score_date TEXT,
	loaded_at TEXT NOT NULL
);
