-- Service requests (服务工单, SPEC §4.1), their timeline, attachments, links
-- to the documents they spawn, and the knowledge base (SPEC §4.11).

CREATE TABLE service_requests (
	id {{ID}},
	number TEXT NOT NULL UNIQUE,
	type TEXT NOT NULL,
	channel TEXT NOT NULL,
	severity TEXT NOT NULL,
	state TEXT NOT NULL,
	customer_id {{I64}} NOT NULL REFERENCES customers(id),
	contact_name TEXT NOT NULL DEFAULT '',
	contact_phone TEXT NOT NULL DEFAULT '',
	unit_id {{I64}} REFERENCES sold_units(id),
	serial TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	-- the warranty verdict at intake (computed, never typed): 1, 0, or NULL
	in_warranty INTEGER,
	warranty_rule TEXT NOT NULL DEFAULT '',
	-- first-contact owner (首问负责制): never NULL
	owner_id {{I64}} NOT NULL REFERENCES users(id),
	department_id {{I64}} REFERENCES departments(id),
	assignee_id {{I64}} REFERENCES users(id),
	resolution TEXT NOT NULL DEFAULT '',
	customer_confirmed_at {{I64}},
	wait_reason TEXT NOT NULL DEFAULT '',
	reopen_count INTEGER NOT NULL DEFAULT 0,
	created_by {{I64}} REFERENCES users(id),
	closed_at {{I64}},
	created_day INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX service_requests_customer ON service_requests (customer_id, id);
CREATE INDEX service_requests_unit ON service_requests (unit_id, id);
CREATE INDEX service_requests_state ON service_requests (state, id);
CREATE INDEX service_requests_assignee ON service_requests (assignee_id, state);
CREATE INDEX service_requests_owner ON service_requests (owner_id, state);
CREATE INDEX service_requests_created ON service_requests (created_at, id);
CREATE INDEX service_requests_day ON service_requests (created_day, type);

-- The timeline: internal notes, replies to the customer, and every act.
CREATE TABLE request_events (
	id {{ID}},
	request_id {{I64}} NOT NULL REFERENCES service_requests(id),
	at {{I64}} NOT NULL,
	user_id {{I64}} REFERENCES users(id),
	kind TEXT NOT NULL,
	visibility TEXT NOT NULL CHECK (visibility IN ('internal', 'customer')),
	body TEXT NOT NULL DEFAULT '',
	data TEXT
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- Attachments live in the database so that several servers share them.
CREATE TABLE attachments (
	id {{ID}},
	owner_kind TEXT NOT NULL,
	owner_id {{I64}} NOT NULL,
	customer_id {{I64}},
	filename TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size {{I64}} NOT NULL,
	sha256 TEXT NOT NULL,
	data {{BLOB}} NOT NULL,
	created_by {{I64}} REFERENCES users(id),
	created_at {{I64}} NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_kind, owner_id);

-- Documents a request spawned (repairs, returns, complaints ...).
CREATE TABLE request_links (
	request_id {{I64}} NOT NULL REFERENCES service_requests(id),
	doc_kind TEXT NOT NULL,
	doc_id {{I64}} NOT NULL,
	doc_number TEXT NOT NULL,
	created_at {{I64}} NOT NULL,
	PRIMARY KEY (request_id, doc_kind, doc_id)
);

CREATE TABLE kb_articles (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('fault_solution', 'complaint_guide', 'case')),
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	model_id {{I64}} REFERENCES product_models(id),
	category TEXT NOT NULL DEFAULT '',
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_by {{I64}} REFERENCES users(id),
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX kb_articles_model ON kb_articles (model_id);
CREATE INDEX kb_articles_category ON kb_articles (category);

INSERT INTO permissions (key, description) VALUES
 ('request.read', 'read service requests (customers: their own)'),
 ('request.create', 'record service requests'),
 ('request.work', 'add notes, replies and attachments; take transitions the role allows'),
 ('request.dispatch', 'dispatch requests to departments and people'),
 ('kb.read', 'read the knowledge base'),
 ('kb.manage', 'write knowledge-base articles');

INSERT INTO role_permissions (role, permission)
 SELECT r.key, p.key FROM roles r, permissions p
 WHERE r.key NOT IN ('driver')
   AND p.key IN ('request.read', 'request.create', 'request.work', 'kb.read');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'request.dispatch' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager', 'business_unit_lead', 'agent');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'kb.manage' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager', 'business_unit_lead',
   'technician', 'qc_inspector');
