-- Document templates (SPEC §4.17): what every printed document (PDF) shows
-- of the company, per document type: the name, address and phone of its
-- header and the footer note of its pages; and the one logo of every
-- header.  Declared once in domain/print; the six types are seeded here
-- and only changed (no create, no delete).
CREATE TABLE doc_templates (
	id {{ID}},
	doc_type TEXT NOT NULL UNIQUE,
	company TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	footer TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

INSERT INTO doc_templates (doc_type, footer, created_at, updated_at) VALUES
 ('request', '', 0, 0),
 ('return', '', 0, 0),
 ('transport', '', 0, 0),
 ('receipt', '', 0, 0),
 ('slip', '', 0, 0),
 ('report', '', 0, 0);

-- The logo: one row (id 1) or none; PNG or JPEG, at most 512 KB, checked
-- by the server before it is stored.
CREATE TABLE doc_logo (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	mime TEXT NOT NULL,
	data {{BLOB}} NOT NULL,
	updated_by {{I64}} REFERENCES users(id),
	updated_at {{I64}} NOT NULL
);

INSERT INTO permissions (key, description) VALUES
 ('template.read', 'read the document templates and the logo'),
 ('template.manage', 'change the document templates and the logo');

-- read by whoever prints a document (reads requests or returns)
INSERT INTO role_permissions (role, permission)
 SELECT DISTINCT role, 'template.read' FROM role_permissions
 WHERE permission IN ('request.read', 'return.read');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'template.manage' FROM roles r WHERE r.key = 'admin';
