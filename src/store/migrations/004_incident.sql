-- 004_incident: security incidents (NIST SP 800-61 lifecycle), their
-- timeline, tasks, observables, evidence with its chain of custody, the
-- DORA classification record, and the times every notification clock is
-- computed from.  Portable SQL like 001 ({{ID}} is the auto primary key);
-- every time is ISO-8601 UTC text ('2026-03-02T08:00:00Z').

CREATE TABLE incident (
	id {{ID}},
	ref TEXT NOT NULL UNIQUE,          -- IR-2026-0001
	title TEXT NOT NULL,
	description TEXT,
	category TEXT NOT NULL CHECK (category IN ('malware','phishing',
		'unauthorised-access','data-breach','denial-of-service','misuse',
		'vulnerability-exploitation','other')),
	severity TEXT NOT NULL
		CHECK (severity IN ('low','medium','high','critical')),
	entity_id INTEGER REFERENCES entity(id),
	services TEXT,                     -- affected services, as named
	critical_function INTEGER NOT NULL DEFAULT 0, -- supports a critical or
						      -- important function
	reporter_id INTEGER REFERENCES person(id),
	handler_id INTEGER REFERENCES person(id),
	tlp TEXT NOT NULL DEFAULT 'AMBER' CHECK (tlp IN ('CLEAR', 'GREEN',
		'AMBER', 'AMBER+STRICT', 'RED')), -- TLP 2.0 (fl_incident_tlp_norm)
	state TEXT NOT NULL DEFAULT 'detected' CHECK (state IN ('detected',
		'triaged','contained','eradicated','recovered','closed')),
	-- when each state was entered (the move's --at, else when recorded)
	detected_at TEXT NOT NULL,
	triaged_at TEXT,
	contained_at TEXT,
	eradicated_at TEXT,
	recovered_at TEXT,
	closed_at TEXT,
	containment_skip_reason TEXT,      -- why containment was skipped
	close_reason TEXT,                 -- why closed straight from triage
	-- clock events that are not transitions (NULL: has not happened)
	aware_at TEXT NOT NULL,            -- the entity became aware
	occurred_at TEXT,                  -- when it began, where known
	severity_set_at TEXT NOT NULL,     -- the current severity was given
	iso_informed_at TEXT,
	classified_major_at TEXT,          -- latest change to "major" (DORA)
	dora_initial_at TEXT,
	dora_intermediate_at TEXT,
	dora_intermediate_latest_at TEXT,
	dora_final_at TEXT,
	nis2_aware_at TEXT,
	nis2_early_warning_at TEXT,
	nis2_notification_at TEXT,
	nis2_final_at TEXT,
	pd_breach_aware_at TEXT,
	gdpr_notified_at TEXT,
	pd_high_risk_at TEXT,
	gdpr_subjects_informed_at TEXT,
	-- the regimes whose clocks apply, and the facts they depend on
	reg_dora INTEGER NOT NULL DEFAULT 0,
	reg_nis2 INTEGER NOT NULL DEFAULT 0,
	reg_gdpr INTEGER NOT NULL DEFAULT 0,
	personal_data INTEGER NOT NULL DEFAULT 0, -- a personal-data breach
	dora_major INTEGER NOT NULL DEFAULT 0,    -- latest classification
	art5_5 INTEGER NOT NULL DEFAULT 0,  -- 2025/301 Art. 5(5) entity
	art5_6 INTEGER NOT NULL DEFAULT 0,  -- relief disapplied, Art. 5(6)
	root_cause TEXT,
	root_cause_type TEXT CHECK (root_cause_type IN ('malicious-actions',
		'process-failure','system-failure','human-error',
		'external-event')),
	cause_key TEXT,                    -- apparent root cause, compared for
					   -- recurring incidents (lower case)
	lessons_learned TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX incident_state ON incident(state);

-- Every dated entry: at is when it happened (back-dated entries keep it),
-- recorded_at when it was written.
CREATE TABLE incident_timeline (
	id {{ID}},
	incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	at TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	author TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('note','decision','transition',
		'notification','evidence','task','classification','observable',
		'alert')),
	text TEXT NOT NULL
);
CREATE INDEX incident_timeline_inc ON incident_timeline(incident_id, at);

CREATE TABLE incident_task (
	id {{ID}},
	incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	num INTEGER NOT NULL,              -- 1, 2, ... within the incident
	title TEXT NOT NULL,
	owner_id INTEGER REFERENCES person(id),
	due TEXT,
	status TEXT NOT NULL DEFAULT 'open'
		CHECK (status IN ('open','done','cancelled')),
	done_at TEXT,
	template TEXT,                     -- category whose template added it
	created_at TEXT NOT NULL,
	UNIQUE (incident_id, num)
);

-- An observable is stored once (normalised value) and linked to every
-- incident it was seen in, so one search finds every case.  The TLP is
-- the marking of the sighting: one source may share what another may not.
CREATE TABLE observable (
	id {{ID}},
	type TEXT NOT NULL CHECK (type IN ('ip','domain','url','hash','email',
		'account','filename')),
	value TEXT NOT NULL,
	first_seen TEXT NOT NULL,
	UNIQUE (type, value)
);
CREATE INDEX observable_value ON observable(value);

CREATE TABLE incident_observable (
	incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	observable_id INTEGER NOT NULL REFERENCES observable(id),
	tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER',
		'AMBER+STRICT', 'RED')),   -- TLP 2.0, as incident.tlp
	added_at TEXT NOT NULL,
	added_by TEXT NOT NULL,
	PRIMARY KEY (incident_id, observable_id)
);
CREATE INDEX incident_observable_obs ON incident_observable(observable_id);

-- Evidence files: the hash and size when registered, where the file is
-- kept, and who holds it now (the last hand-over's recipient).
CREATE TABLE incident_evidence (
	id {{ID}},
	incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	name TEXT NOT NULL,                -- base name of the file
	path TEXT NOT NULL,                -- absolute path, re-hashed by verify
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	collected_by INTEGER NOT NULL REFERENCES person(id),
	collected_at TEXT NOT NULL,
	location TEXT NOT NULL,            -- where it is kept
	description TEXT,
	holder_id INTEGER NOT NULL REFERENCES person(id),
	created_at TEXT NOT NULL
);
CREATE INDEX incident_evidence_inc ON incident_evidence(incident_id);

-- The chain of custody: one row per hand-over; the first is the
-- collection (from_id NULL).
CREATE TABLE incident_custody (
	id {{ID}},
	evidence_id INTEGER NOT NULL REFERENCES incident_evidence(id)
		ON DELETE CASCADE,
	at TEXT NOT NULL,
	from_id INTEGER REFERENCES person(id),
	to_id INTEGER NOT NULL REFERENCES person(id),
	purpose TEXT NOT NULL,
	location TEXT,                     -- where it went, when it moved
	recorded_at TEXT NOT NULL,
	recorded_by TEXT NOT NULL
);
CREATE INDEX incident_custody_ev ON incident_custody(evidence_id);

-- DORA classifications (Delegated Regulation (EU) 2024/1772), newest last:
-- every criterion input of struct fl_dora_input, the result and the
-- criteria that fired.
CREATE TABLE incident_dora (
	id {{ID}},
	incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	classified_at TEXT NOT NULL,
	classified_by TEXT NOT NULL,
	clients INTEGER NOT NULL DEFAULT 0,
	clients_pct DOUBLE PRECISION NOT NULL DEFAULT 0,
	counterparts_pct DOUBLE PRECISION NOT NULL DEFAULT 0,
	tx_count_pct DOUBLE PRECISION NOT NULL DEFAULT 0,
	tx_value_pct DOUBLE PRECISION NOT NULL DEFAULT 0,
	relevant_affected INTEGER NOT NULL DEFAULT 0,
	rep_media INTEGER NOT NULL DEFAULT 0,
	rep_complaints INTEGER NOT NULL DEFAULT 0,
	rep_regulatory INTEGER NOT NULL DEFAULT 0,
	rep_client_loss INTEGER NOT NULL DEFAULT 0,
	duration_h DOUBLE PRECISION NOT NULL DEFAULT 0,
	downtime_h DOUBLE PRECISION NOT NULL DEFAULT 0,
	member_states INTEGER NOT NULL DEFAULT 0,
	member_state_codes TEXT,           -- 'DE,FR' (upper case, sorted)
	data_availability INTEGER NOT NULL DEFAULT 0,
	data_authenticity INTEGER NOT NULL DEFAULT 0,
	data_integrity INTEGER NOT NULL DEFAULT 0,
	data_confidentiality INTEGER NOT NULL DEFAULT 0,
	data_adverse INTEGER NOT NULL DEFAULT 0,
	crit_functions INTEGER NOT NULL DEFAULT 0,
	crit_supervised INTEGER NOT NULL DEFAULT 0,
	malicious_access INTEGER NOT NULL DEFAULT 0,
	access_data_loss INTEGER NOT NULL DEFAULT 0,
	cost_direct_eur DOUBLE PRECISION NOT NULL DEFAULT 0,
	cost_indirect_eur DOUBLE PRECISION NOT NULL DEFAULT 0,
	major INTEGER NOT NULL,
	fired TEXT NOT NULL,               -- 'critical_services,clients'
	reason TEXT NOT NULL
);
CREATE INDEX incident_dora_inc ON incident_dora(incident_id, id);

CREATE TABLE incident_asset (
	incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	asset_id INTEGER NOT NULL REFERENCES asset(id),
	PRIMARY KEY (incident_id, asset_id)
);
CREATE TABLE incident_risk (
	incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	risk_id INTEGER NOT NULL REFERENCES risk(id),
	PRIMARY KEY (incident_id, risk_id)
);
CREATE TABLE incident_finding (
	incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
	finding_id INTEGER NOT NULL REFERENCES finding(id),
	PRIMARY KEY (incident_id, finding_id)
);
