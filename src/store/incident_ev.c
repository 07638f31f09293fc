/*
 * store/incident_ev: evidence of incidents — files registered with their
 * SHA-256 and size, who collected them and where they are kept, the chain
 * of custody (every hand-over an entry), and verification by re-hashing.
 *
 * The custody chain is continuous by construction: a hand-over always
 * starts from the current holder, so nobody can record a transfer from
 * someone who did not hold the item.  Refuses: a hand-over to the holder
 * itself, one dated before the previous entry, an unknown person, a file
 * that cannot be read.  Verification writes its outcome on the timeline:
 * that the evidence was checked, and what was found, is itself evidence.
 */
#include "incident_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>


static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

fl_err
fl_incident_evidence_add(struct fl_store *st, const char *ref,
			 const struct fl_evidence_in *e, time_t now,
			 long long *id, char sha256[static 65],
			 long long *size, struct fl_diag *d)
{
	struct inc in;
	char atiso[21], nowiso[21], *abs = NULL, *row = NULL, text[800];
	long long by = 0;
	time_t t;
	fl_err rc;

	*id = 0;
	*size = 0;
	sha256[0] = '\0';
	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	if (e->file == NULL || *e->file == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "which file? (evidence add ID "
				   "FILE)");
	if (e->by == NULL || *e->by == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "evidence needs who collected it "
				   "(--by PERSON)");
	if (e->location == NULL || *e->location == '\0' ||
	    !inc_text_ok(e->location, 512, 0))
		return fl_diag_msg(d, FL_E_INVAL, "evidence needs where it is kept "
				   "(--location, one line of at most 512 bytes)");
	if (e->description && !inc_text_ok(e->description, 4096, 1))
		return fl_diag_msg(d, FL_E_INVAL, "--description: at most 4096 "
				   "bytes");
	if ((rc = fl_store_person_resolve(st, "collector", e->by, &by, NULL, 0,
					  d)) != FL_OK)
		return rc;
	if ((rc = inc_when(e->at, now, "--at", &t, atiso, d)) != FL_OK)
		return rc;
	if ((rc = fl_sha256_file_size(e->file, sha256, size, d)) != FL_OK)
		return rc;
	if ((abs = realpath(e->file, NULL)) == NULL)
		return fl_diag_set(d, FL_E_IO, e->file, 0, 0, "cannot resolve the "
				   "path: %s", strerror(errno));
	fl_time_iso(now, nowiso);
	rc = st_insert(st, id,
		       "INSERT INTO incident_evidence (incident_id, name, path,"
		       " sha256, size, collected_by, collected_at, location,"
		       " description, holder_id, created_at) VALUES (?, ?, ?, ?,"
		       " ?, ?, ?, ?, ?, ?, ?)",
		       "itttii" "tttit", in.id, base_name(e->file), abs, sha256,
		       *size, by, atiso, e->location, e->description, by, nowiso);
	if (rc == FL_OK)
		rc = st_exec(st,
			     "INSERT INTO incident_custody (evidence_id, at,"
			     " from_id, to_id, purpose, location, recorded_at,"
			     " recorded_by) VALUES (?, ?, NULL, ?, 'collected',"
			     " ?, ?, ?)", "itit" "tt", *id, atiso, by,
			     e->location, nowiso, fl_store_actor(st));
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "evidence %lld registered: %.200s, "
			 "sha256 %s, %lld bytes, kept at %.300s", *id,
			 base_name(e->file), sha256, *size, e->location);
		rc = inc_timeline(st, in.id, atiso, "evidence", text);
	}
	if (rc == FL_OK)
		rc = st_query_json(st, &row, "SELECT * FROM incident_evidence"
				   " WHERE id = ?", "i", *id);
	if (rc == FL_OK)
		rc = inc_touch(st, in.id);
	if (rc == FL_OK)
		rc = inc_audit_json(st, "incident.evidence", &in, row);
	free(row);
	free(abs);
	return rc;
}

struct ev_state {
	long long holder;
	char *last_at;
	int found;
};

static fl_err
ev_state_row(void *ctx, const struct fl_row *row)
{
	struct ev_state *s = ctx;
	const char *v = fl_row_get(row, "last_at");

	s->found = 1;
	s->holder = st_row_int(row, "holder_id", 0);
	free(s->last_at);
	s->last_at = v ? fl_strdup(v) : NULL;
	return FL_OK;
}

fl_err
fl_incident_evidence_handover(struct fl_store *st, const char *ref,
			      long long id, const char *to, const char *purpose,
			      const char *location, const char *at, time_t now,
			      struct fl_diag *d)
{
	struct inc in;
	struct ev_state es;
	char atiso[21], nowiso[21], obj[64], text[900];
	char *before = NULL, *after = NULL, *from = NULL, *toname = NULL;
	long long tid = 0;
	time_t t, last;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	if (to == NULL || *to == '\0')
		return fl_diag_msg(d, FL_E_INVAL, "a hand-over needs the recipient "
				   "(--to PERSON)");
	if (purpose == NULL || *purpose == '\0' || !inc_text_ok(purpose, 512, 0))
		return fl_diag_msg(d, FL_E_INVAL, "a hand-over needs its purpose "
				   "(--purpose, one line of at most 512 bytes)");
	if (location && (*location == '\0' || !inc_text_ok(location, 512, 0)))
		return fl_diag_msg(d, FL_E_INVAL, "--location: one line of at most "
				   "512 bytes");
	memset(&es, 0, sizeof es);
	rc = st_query(st, "SELECT e.holder_id, (SELECT MAX(c.at) FROM"
		      " incident_custody c WHERE c.evidence_id = e.id) AS"
		      " last_at FROM incident_evidence e WHERE e.id = ? AND"
		      " e.incident_id = ?", ev_state_row, &es, "ii", id, in.id);
	if (rc == FL_OK && !es.found)
		rc = fl_diag_msg(d, FL_E_NOTFOUND, "%s has no evidence %lld",
				 in.ref, id);
	if (rc == FL_OK)
		rc = fl_store_person_resolve(st, "recipient", to, &tid, NULL, 0, d);
	if (rc == FL_OK && tid == es.holder)
		rc = fl_diag_msg(d, FL_E_INVAL, "%s already holds evidence %lld",
				 to, id);
	if (rc == FL_OK)
		rc = inc_when(at, now, "--at", &t, atiso, d);
	if (rc == FL_OK && es.last_at && fl_time_parse(es.last_at, &last) == 0 &&
	    t < last)
		rc = fl_diag_msg(d, FL_E_INVAL, "--at %s is before the last custody "
				 "entry (%s)", atiso, es.last_at);
	if (rc != FL_OK)
		goto out;
	fl_time_iso(now, nowiso);
	if ((rc = st_query_json(st, &before, "SELECT * FROM incident_evidence"
				" WHERE id = ?", "i", id)) != FL_OK)
		goto out;
	rc = st_exec(st,
		     "INSERT INTO incident_custody (evidence_id, at, from_id,"
		     " to_id, purpose, location, recorded_at, recorded_by) VALUES"
		     " (?, ?, ?, ?, ?, ?, ?, ?)", "itii" "tttt", id, atiso,
		     es.holder, tid, purpose, location, nowiso,
		     fl_store_actor(st));
	if (rc == FL_OK)
		rc = st_exec(st, "UPDATE incident_evidence SET holder_id = ?,"
			     " location = COALESCE(?, location) WHERE id = ?",
			     "iti", tid, location, id);
	if (rc == FL_OK)
		rc = st_query_text(st, &from, "SELECT email FROM person WHERE"
				   " id = ?", "i", es.holder);
	if (rc == FL_OK)
		rc = st_query_text(st, &toname, "SELECT email FROM person WHERE"
				   " id = ?", "i", tid);
	if (rc == FL_OK) {
		snprintf(text, sizeof text, "evidence %lld handed from %s to %s: "
			 "%.512s%s%.300s", id, from ? from : "?",
			 toname ? toname : "?", purpose,
			 location ? "; now kept at " : "",
			 location ? location : "");
		rc = inc_timeline(st, in.id, atiso, "evidence", text);
	}
	if (rc == FL_OK)
		rc = st_query_json(st, &after, "SELECT * FROM incident_evidence"
				   " WHERE id = ?", "i", id);
	if (rc == FL_OK)
		rc = inc_touch(st, in.id);
	if (rc == FL_OK) {
		snprintf(obj, sizeof obj, "incident:%s", in.ref);
		rc = fl_store_audit(st, "incident.custody", obj, before, after);
	}
out:
	free(es.last_at);
	free(before);
	free(after);
	free(from);
	free(toname);
	return rc;
}

fl_err
fl_incident_evidence(struct fl_store *st, const char *ref, fl_row_fn fn,
		     void *ctx, struct fl_diag *d)
{
	struct inc in;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT e.id, e.name, e.sha256, e.size, c.email AS"
			" collected_by, e.collected_at, e.location, h.email AS"
			" holder, e.description, e.path FROM incident_evidence e"
			" JOIN person c ON c.id = e.collected_by JOIN person h ON"
			" h.id = e.holder_id WHERE e.incident_id = ? ORDER BY e.id",
			fn, ctx, "i", in.id);
}

fl_err
fl_incident_custody(struct fl_store *st, const char *ref, fl_row_fn fn,
		    void *ctx, struct fl_diag *d)
{
	struct inc in;
	fl_err rc;

	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	return st_query(st,
			"SELECT c.evidence_id AS evidence, c.at, f.email AS"
			" \"from\", t.email AS \"to\", c.purpose, c.location,"
			" c.recorded_at, c.recorded_by FROM incident_custody c"
			" JOIN incident_evidence e ON e.id = c.evidence_id"
			" LEFT JOIN person f ON f.id = c.from_id JOIN person t ON"
			" t.id = c.to_id WHERE e.incident_id = ? ORDER BY"
			" c.evidence_id, c.at, c.id", fn, ctx, "i", in.id);
}

/* ---- verify ------------------------------------------------------------ */

struct ev_item {
	long long id, size;
	char *name, *path, *sha;
};

struct ev_items {
	struct ev_item *v;
	size_t n, cap;
	fl_err err;
};

static fl_err
ev_item_row(void *ctx, const struct fl_row *row)
{
	struct ev_items *l = ctx;
	struct ev_item *it;
	const char *nm = fl_row_get(row, "name"), *p = fl_row_get(row, "path");
	const char *h = fl_row_get(row, "sha256");

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		struct ev_item *nv = realloc(l->v, nc * sizeof *nv);

		if (nv == NULL)
			return l->err = FL_E_NOMEM;
		l->v = nv;
		l->cap = nc;
	}
	it = &l->v[l->n++];
	it->id = st_row_int(row, "id", 0);
	it->size = st_row_int(row, "size", 0);
	it->name = fl_strdup(nm ? nm : "");
	it->path = fl_strdup(p ? p : "");
	it->sha = fl_strdup(h ? h : "");
	if (!it->name || !it->path || !it->sha)
		return l->err = FL_E_NOMEM;
	return FL_OK;
}

fl_err
fl_incident_evidence_verify(struct fl_store *st, const char *ref, time_t now,
			    long *bad, fl_row_fn fn, void *ctx,
			    struct fl_diag *d)
{
	static const char *const names[] = {"id", "name", "path", "sha256",
					    "now_sha256", "size", "now_size",
					    "result"};
	static const enum fl_col_type types[] = {FL_COL_INT, FL_COL_TEXT,
						 FL_COL_TEXT, FL_COL_TEXT,
						 FL_COL_TEXT, FL_COL_INT,
						 FL_COL_INT, FL_COL_TEXT};
	struct ev_items l;
	struct inc in;
	struct fl_buf sum;
	long counts[4] = {0, 0, 0, 0}; /* match, mismatch, missing, unreadable */
	static const char *const res_names[] = {"match", "mismatch", "missing",
						"unreadable"};
	char nowiso[21];
	size_t k;
	fl_err rc;

	*bad = 0;
	if ((rc = inc_load(st, ref, &in, d)) != FL_OK)
		return rc;
	memset(&l, 0, sizeof l);
	rc = st_query(st, "SELECT id, name, path, sha256, size FROM"
		      " incident_evidence WHERE incident_id = ? ORDER BY id",
		      ev_item_row, &l, "i", in.id);
	if (rc == FL_OK)
		rc = l.err;
	fl_buf_init(&sum, 0);
	for (k = 0; rc == FL_OK && k < l.n; k++) {
		struct ev_item *it = &l.v[k];
		struct fl_diag q;
		struct fl_row row;
		const char *vals[8];
		char hex[65] = "", idb[24], szb[24], nszb[24];
		long long nsz = 0;
		fl_err hr = fl_sha256_file_size(it->path, hex, &nsz, &q);
		int res;

		if (hr == FL_E_NOINPUT)
			res = 2;
		else if (hr != FL_OK)
			res = 3;
		else
			res = strcmp(hex, it->sha) == 0 && nsz == it->size ? 0 : 1;
		counts[res]++;
		if (res != 0) {
			(*bad)++;
			fl_buf_printf(&sum, "%s%lld %s (%s)", sum.len ? ", " : "",
				      it->id, it->name, res_names[res]);
		}
		snprintf(idb, sizeof idb, "%lld", it->id);
		snprintf(szb, sizeof szb, "%lld", it->size);
		snprintf(nszb, sizeof nszb, "%lld", nsz);
		vals[0] = idb;
		vals[1] = it->name;
		vals[2] = it->path;
		vals[3] = it->sha;
		vals[4] = hr == FL_OK ? hex : NULL;
		vals[5] = szb;
		vals[6] = hr == FL_OK ? nszb : NULL;
		vals[7] = res_names[res];
		row.ncol = 8;
		row.names = names;
		row.vals = vals;
		row.types = types;
		if (fn)
			rc = fn(ctx, &row);
	}
	if (rc == FL_OK && l.n > 0) {
		char text[900], after[200];

		fl_time_iso(now, nowiso);
		snprintf(text, sizeof text, "evidence verified: %ld match, %ld "
			 "mismatch, %ld missing, %ld unreadable%s%.700s",
			 counts[0], counts[1], counts[2], counts[3],
			 sum.len ? ": " : "", fl_buf_str(&sum));
		rc = inc_timeline(st, in.id, nowiso, "evidence", text);
		snprintf(after, sizeof after, "{\"match\":%ld,\"mismatch\":%ld,"
			 "\"missing\":%ld,\"unreadable\":%ld}", counts[0],
			 counts[1], counts[2], counts[3]);
		if (rc == FL_OK)
			rc = inc_audit_json(st, "incident.evidence-verify", &in,
					    after);
	}
	fl_buf_release(&sum);
	for (k = 0; k < l.n; k++) {
		free(l.v[k].name);
		free(l.v[k].path);
		free(l.v[k].sha);
	}
	free(l.v);
	return rc;
}
