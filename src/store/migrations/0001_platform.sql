-- Platform: departments, roles and the permission matrix, users, tokens,
-- login throttling, audit, idempotency keys, document counters, settings.
-- Times are UTC seconds; booleans are 0/1 integers; money is integer fen.

CREATE TABLE departments (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	parent_id {{I64}} REFERENCES departments(id),
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

-- Customer companies; master data fields are added by later migrations.
CREATE TABLE customers (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

CREATE TABLE roles (
	key TEXT PRIMARY KEY,
	name_zh TEXT NOT NULL,
	name_en TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE permissions (
	key TEXT PRIMARY KEY,
	description TEXT NOT NULL
);

CREATE TABLE role_permissions (
	role TEXT NOT NULL REFERENCES roles(key),
	permission TEXT NOT NULL REFERENCES permissions(key),
	PRIMARY KEY (role, permission)
);

CREATE TABLE users (
	id {{ID}},
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	phone TEXT,
	email TEXT,
	department_id {{I64}} REFERENCES departments(id),
	customer_id {{I64}} REFERENCES customers(id),
	password_hash TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

CREATE TABLE user_roles (
	user_id {{I64}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	role TEXT NOT NULL REFERENCES roles(key),
	PRIMARY KEY (user_id, role)
);

-- Session and API tokens, stored only as hashes.
CREATE TABLE auth_tokens (
	id {{ID}},
	user_id {{I64}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),
	name TEXT NOT NULL DEFAULT '',
	token_hash TEXT NOT NULL UNIQUE,
	csrf_hash TEXT,
	created_at {{I64}} NOT NULL,
	expires_at {{I64}} NOT NULL,
	last_used_at {{I64}},
	ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id, kind);

CREATE TABLE login_failures (
	scope TEXT NOT NULL,
	key TEXT NOT NULL,
	count INTEGER NOT NULL,
	first_at {{I64}} NOT NULL,
	PRIMARY KEY (scope, key)
);

CREATE TABLE audit_log (
	id {{ID}},
	at {{I64}} NOT NULL,
	user_id {{I64}},
	username TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_id {{I64}},
	before_json TEXT,
	after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_at ON audit_log (at, id);

CREATE TABLE idempotency_keys (
	user_id {{I64}} NOT NULL,
	key TEXT NOT NULL,
	method TEXT NOT NULL,
	path TEXT NOT NULL,
	body_hash TEXT NOT NULL,
	status INTEGER NOT NULL,
	response TEXT NOT NULL,
	location TEXT NOT NULL DEFAULT '',
	created_at {{I64}} NOT NULL,
	PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE doc_counters (
	prefix TEXT NOT NULL,
	day INTEGER NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (prefix, day)
);

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	updated_at {{I64}} NOT NULL
);

INSERT INTO roles (key, name_zh, name_en, description) VALUES
 ('agent', '售后服务人员', 'Service agent', 'takes calls, records requests and complaints, replies, return visits'),
 ('aftersales_manager', '售后部经理', 'After-sales manager', 'dispatches, reviews, approves prices under 1000, signs returns, monthly analysis'),
 ('technician', '技术人员', 'Technician', 'diagnosis, repair, field trips, daily reports'),
 ('business_unit_lead', '事业部经理', 'Business unit lead', 'solutions for faults, assigns engineers, depot repairs'),
 ('qc_inspector', '质检员', 'QC inspector', 'inspects returned goods and repaired items, judges responsibility'),
 ('warehouse', '仓库主管', 'Warehouse', 'receives returns, issues parts, stock counts'),
 ('finance', '财务', 'Finance', 'confirms warranty and contracts, cost checks, exchange-ratio control, settlements'),
 ('sales_manager', '经营部负责人', 'Sales manager', 'approves exchanges, notifies customers, regional coordination'),
 ('sales_vp', '销售副总', 'Sales VP', 'approves prices of 1000 and more, waivers up to 5000'),
 ('general_manager', '总经理', 'General manager', 'special approvals, waivers above 5000, told of major faults'),
 ('statistician', '营销统计员', 'Statistician', 'records return quantities and amounts'),
 ('clerk', '营销文员', 'Clerk', 'reviews and sends return slips, archives'),
 ('driver', '驾驶员', 'Driver', 'picks up returns only against a transport order'),
 ('admin', '系统管理员', 'Administrator', 'users, roles, settings, backups'),
 ('customer', '客户', 'Customer', 'submits and follows its own requests, rates service');

INSERT INTO permissions (key, description) VALUES
 ('account.self', 'read and change one''s own account, password and API tokens'),
 ('user.read', 'list and read users'),
 ('user.manage', 'create, change and disable users'),
 ('role.read', 'read roles and the permission matrix'),
 ('role.manage', 'change the permission matrix'),
 ('department.read', 'list and read departments'),
 ('department.manage', 'create and change departments'),
 ('audit.read', 'read the audit log'),
 ('settings.read', 'read settings'),
 ('settings.manage', 'change settings');

-- Every role may manage its own account.
INSERT INTO role_permissions (role, permission)
 SELECT key, 'account.self' FROM roles;

-- Staff roles (all but driver and customer) may read departments and users.
INSERT INTO role_permissions (role, permission)
 SELECT key, 'department.read' FROM roles WHERE key NOT IN ('customer');
INSERT INTO role_permissions (role, permission)
 SELECT key, 'user.read' FROM roles WHERE key NOT IN ('customer', 'driver');
INSERT INTO role_permissions (role, permission)
 SELECT key, 'settings.read' FROM roles
 WHERE key IN ('admin', 'aftersales_manager', 'general_manager', 'finance');

INSERT INTO role_permissions (role, permission) VALUES
 ('admin', 'user.manage'),
 ('admin', 'role.read'),
 ('admin', 'role.manage'),
 ('admin', 'department.manage'),
 ('admin', 'audit.read'),
 ('admin', 'settings.manage'),
 ('general_manager', 'role.read'),
 ('general_manager', 'audit.read');

INSERT INTO settings (key, value, updated_at) VALUES
 ('company.timezone', 'Asia/Shanghai', 0),
 ('company.name', '示例售后服务有限公司', 0);
