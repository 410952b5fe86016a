-- Warehouses (仓库): where spare parts are kept (SPEC §4.9): the central
-- store, regional stores and a technician's vehicle stock.  Declared once in
-- domain/stock (the first record type written on domain/record from the
-- start).
CREATE TABLE warehouses (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	department_id {{I64}} REFERENCES departments(id),
	keeper_id {{I64}} REFERENCES users(id),
	address TEXT NOT NULL DEFAULT '',
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

INSERT INTO permissions (key, description) VALUES
 ('warehouse.read', 'read warehouses'),
 ('warehouse.manage', 'create and change warehouses');

INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'warehouse.read' FROM roles r
 WHERE r.key NOT IN ('driver', 'customer');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'warehouse.manage' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager', 'warehouse');
