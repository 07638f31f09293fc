-- 001_core: the foundation schema (entities, people, assets, catalogues,
-- controls, implementation, evidence, tests, risks, escalations, audit).
-- Portable SQL: TEXT/INTEGER/DOUBLE PRECISION only, timestamps as ISO-8601
-- UTC text, {{ID}} for the auto-numbered primary key.

CREATE TABLE setting (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE entity (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	is_central INTEGER NOT NULL DEFAULT 0,
	regime TEXT                  -- dora, nis2, none (NULL: unknown)
		CHECK (regime IN ('dora','nis2','none')),
	created_at TEXT NOT NULL
);

CREATE TABLE person (
	id {{ID}},
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	department TEXT,
	role TEXT NOT NULL DEFAULT 'staff'
		CHECK (role IN ('itso','citso','iso','control-owner','auditor','staff')),
	entity_id INTEGER REFERENCES entity(id),
	created_at TEXT NOT NULL
);
CREATE INDEX person_entity ON person(entity_id);
CREATE INDEX person_name ON person(lower(name));

CREATE TABLE asset (
	id {{ID}},
	name TEXT NOT NULL UNIQUE,
	description TEXT,
	owner_id INTEGER REFERENCES person(id),
	entity_id INTEGER REFERENCES entity(id),
	conf INTEGER NOT NULL DEFAULT 2 CHECK (conf BETWEEN 1 AND 4),
	integ INTEGER NOT NULL DEFAULT 2 CHECK (integ BETWEEN 1 AND 4),
	avail INTEGER NOT NULL DEFAULT 2 CHECK (avail BETWEEN 1 AND 4),
	tags TEXT NOT NULL DEFAULT '',  -- lower case, sorted, comma-separated
	status TEXT NOT NULL DEFAULT 'active'
		CHECK (status IN ('active','discovered','retired')),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
-- names are unique ignoring case; lookups use lower(name) = lower(?)
CREATE UNIQUE INDEX asset_name ON asset(lower(name));
CREATE INDEX asset_entity ON asset(entity_id);
CREATE INDEX asset_owner ON asset(owner_id);

-- Hostnames, FQDNs and IP addresses by which scanners and logs name an asset
-- (hostnames in lower case, IP addresses in inet_ntop's canonical form).
CREATE TABLE asset_address (
	asset_id INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('hostname','ip')),
	value TEXT NOT NULL,
	PRIMARY KEY (kind, value)
);
CREATE INDEX asset_address_asset ON asset_address(asset_id);

-- A catalogue: a framework (NIST SP 800-53, CSF), a resolved baseline, or
-- the Group's own control catalogue.
CREATE TABLE catalog (
	id {{ID}},
	key TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('framework','baseline','group')),
	version TEXT,
	oscal_version TEXT,
	uuid TEXT,
	base_key TEXT,               -- for a baseline: the framework it selects from
	framework TEXT,              -- OSCAL framework-identifier prop (CSF), if any
	last_modified TEXT,          -- OSCAL metadata last-modified
	source TEXT,                 -- base name of the file last imported
	source_sha256 TEXT,
	imported_at TEXT NOT NULL,   -- first import
	updated_at TEXT NOT NULL     -- last import that changed something
);

CREATE TABLE catalog_group (
	id {{ID}},
	catalog_id INTEGER NOT NULL REFERENCES catalog(id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	parent_id INTEGER REFERENCES catalog_group(id),
	title TEXT NOT NULL,
	class TEXT,
	seq INTEGER NOT NULL,
	UNIQUE (catalog_id, key)
);

CREATE TABLE control (
	id {{ID}},
	catalog_id INTEGER NOT NULL REFERENCES catalog(id) ON DELETE CASCADE,
	key TEXT NOT NULL,           -- OSCAL id (ac-2.1) or the Group's id
	label TEXT,                  -- display label (AC-2(1), GV.OC-01)
	title TEXT NOT NULL,
	class TEXT,
	group_id INTEGER REFERENCES catalog_group(id),
	parent_id INTEGER REFERENCES control(id),   -- enhancement -> control
	seq INTEGER NOT NULL,
	sort_key TEXT,
	withdrawn INTEGER NOT NULL DEFAULT 0,
	statement TEXT,
	guidance TEXT,
	params TEXT,                 -- JSON array of {id,label,choices}
	objectives TEXT,             -- assessment objectives, one per line
	methods TEXT,                -- assessment methods (examine, interview, test)
	description TEXT,            -- group controls: free description
	UNIQUE (catalog_id, key)
);
CREATE INDEX control_group ON control(group_id);
CREATE INDEX control_parent ON control(parent_id);

-- A Group control's mapping to a framework requirement.  target_id is set
-- when the framework is imported and the id resolves; otherwise the text is
-- kept and resolved later.
CREATE TABLE control_mapping (
	id {{ID}},
	control_id INTEGER NOT NULL REFERENCES control(id) ON DELETE CASCADE,
	framework TEXT NOT NULL,
	ref TEXT NOT NULL,
	target_id INTEGER REFERENCES control(id),
	UNIQUE (control_id, framework, ref)
);
CREATE INDEX control_mapping_target ON control_mapping(target_id);
CREATE INDEX control_mapping_fw ON control_mapping(framework, target_id);

-- Implementation of a control in an entity.
CREATE TABLE implementation (
	id {{ID}},
	control_id INTEGER NOT NULL REFERENCES control(id) ON DELETE CASCADE,
	entity_id INTEGER NOT NULL REFERENCES entity(id),
	owner_id INTEGER REFERENCES person(id),
	status TEXT NOT NULL DEFAULT 'planned'
		CHECK (status IN ('planned','partial','implemented','not-applicable')),
	justification TEXT,
	due_date TEXT,
	updated_at TEXT NOT NULL,
	UNIQUE (control_id, entity_id)
);

CREATE TABLE evidence (
	id {{ID}},
	implementation_id INTEGER NOT NULL REFERENCES implementation(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('file','url')),
	location TEXT NOT NULL,      -- absolute file path, or URL
	sha256 TEXT,                 -- files: SHA-256 when registered
	size INTEGER,                -- files: bytes when registered
	description TEXT,
	collected_on TEXT NOT NULL,
	expires_on TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX evidence_impl ON evidence(implementation_id);

CREATE TABLE control_test (
	id {{ID}},
	control_id INTEGER NOT NULL REFERENCES control(id) ON DELETE CASCADE,
	entity_id INTEGER NOT NULL REFERENCES entity(id),
	kind TEXT NOT NULL CHECK (kind IN ('design','operating')),
	tested_on TEXT NOT NULL,
	tester_id INTEGER REFERENCES person(id),
	method TEXT,
	sample TEXT,
	result TEXT NOT NULL
		CHECK (result IN ('effective','partially-effective','ineffective')),
	notes TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX control_test_ctl ON control_test(control_id, entity_id, kind, tested_on);

CREATE TABLE risk (
	id {{ID}},
	ref TEXT NOT NULL UNIQUE,    -- R-0001
	title TEXT NOT NULL,
	description TEXT,
	category TEXT,
	entity_id INTEGER REFERENCES entity(id),
	owner_id INTEGER REFERENCES person(id),
	threat TEXT,
	vulnerability TEXT,
	status TEXT NOT NULL DEFAULT 'identified'
		CHECK (status IN ('identified','assessed','treating','accepted',
				  'transferred','avoided','closed')),
	inh_likelihood INTEGER,
	inh_impact INTEGER,
	inh_level TEXT,
	res_likelihood INTEGER,
	res_impact INTEGER,
	res_level TEXT,
	treatment TEXT CHECK (treatment IN ('mitigate','accept','transfer','avoid')),
	treatment_plan TEXT,
	treatment_owner_id INTEGER REFERENCES person(id),
	treatment_due TEXT,
	treatment_justification TEXT, -- accept, transfer, avoid: why
	accept_approver_id INTEGER REFERENCES person(id),
	accept_expires TEXT,
	reviewed_on TEXT,
	next_review TEXT,
	review_notes TEXT,           -- notes of the last review
	closed_on TEXT,
	closed_reason TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX risk_status ON risk(status);

CREATE TABLE risk_asset (
	risk_id INTEGER NOT NULL REFERENCES risk(id) ON DELETE CASCADE,
	asset_id INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
	PRIMARY KEY (risk_id, asset_id)
);

CREATE TABLE risk_control (
	risk_id INTEGER NOT NULL REFERENCES risk(id) ON DELETE CASCADE,
	control_id INTEGER NOT NULL REFERENCES control(id) ON DELETE CASCADE,
	PRIMARY KEY (risk_id, control_id)
);

-- Escalations to the ISO: open until acknowledged.
CREATE TABLE escalation (
	id {{ID}},
	risk_id INTEGER NOT NULL REFERENCES risk(id) ON DELETE CASCADE,
	level TEXT NOT NULL,
	basis TEXT NOT NULL CHECK (basis IN ('inherent','residual')),
	reason TEXT NOT NULL,
	created_at TEXT NOT NULL,
	ack_by INTEGER REFERENCES person(id),
	ack_at TEXT
);
CREATE INDEX escalation_open ON escalation(ack_at);
CREATE INDEX escalation_risk ON escalation(risk_id, basis);

-- The append-only, hash-chained audit trail.
CREATE TABLE audit (
	seq INTEGER PRIMARY KEY,
	ts TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	before TEXT,
	after TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
