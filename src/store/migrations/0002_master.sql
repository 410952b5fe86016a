-- Master data (SPEC §3): customers and contacts, product models, spare parts
-- and bills of parts, contracts, sold units, sales records, the price list.
-- Dates (not times) are integers YYYYMMDD in the company calendar.
-- Ratios are integer basis points (500 = 5.00 %).

ALTER TABLE customers ADD COLUMN type TEXT NOT NULL DEFAULT 'dealer';
ALTER TABLE customers ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN distance_km INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN region_class TEXT NOT NULL DEFAULT 'urban';
ALTER TABLE customers ADD COLUMN credit_notes TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN relationship_notes TEXT NOT NULL DEFAULT '';
CREATE INDEX customers_name ON customers (name);
CREATE INDEX customers_phone ON customers (phone);

CREATE TABLE customer_contacts (
	id {{ID}},
	customer_id {{I64}} NOT NULL REFERENCES customers(id),
	name TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	is_primary INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX customer_contacts_customer ON customer_contacts (customer_id);
CREATE INDEX customer_contacts_phone ON customer_contacts (phone);

CREATE TABLE product_models (
	id {{ID}},
	model_no TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	category TEXT NOT NULL DEFAULT '',
	business_unit_id {{I64}} REFERENCES departments(id),
	warranty_months INTEGER NOT NULL DEFAULT 12,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

CREATE TABLE parts (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	unit TEXT NOT NULL DEFAULT '个',
	price_fen {{I64}} NOT NULL DEFAULT 0,
	reorder_point INTEGER NOT NULL DEFAULT 0,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

-- A product's bill of parts.
CREATE TABLE model_parts (
	model_id {{I64}} NOT NULL REFERENCES product_models(id),
	part_id {{I64}} NOT NULL REFERENCES parts(id),
	quantity INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (model_id, part_id)
);

CREATE TABLE contracts (
	id {{ID}},
	contract_no TEXT NOT NULL UNIQUE,
	customer_id {{I64}} NOT NULL REFERENCES customers(id),
	kind TEXT NOT NULL CHECK (kind IN ('sales', 'maintenance')),
	start_date INTEGER NOT NULL,
	end_date INTEGER NOT NULL,
	-- sales contracts: warranty override and exchange control
	warranty_months INTEGER,
	exchange_ratio_limit_bp INTEGER,
	exchange_days_limit INTEGER,
	-- maintenance contracts (保养合同)
	price_fen {{I64}} NOT NULL DEFAULT 0,
	visits_per_year INTEGER NOT NULL DEFAULT 0,
	notes TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX contracts_customer ON contracts (customer_id, start_date);

CREATE TABLE sold_units (
	id {{ID}},
	serial TEXT NOT NULL UNIQUE,
	model_id {{I64}} NOT NULL REFERENCES product_models(id),
	customer_id {{I64}} NOT NULL REFERENCES customers(id),
	contract_id {{I64}} REFERENCES contracts(id),
	sale_order_no TEXT NOT NULL DEFAULT '',
	invoice_no TEXT NOT NULL DEFAULT '',
	purchase_date INTEGER NOT NULL,
	delivery_date INTEGER,
	quantity INTEGER NOT NULL DEFAULT 1,
	amount_fen {{I64}} NOT NULL DEFAULT 0,
	-- computed on every write: purchase date + months (model or contract)
	warranty_end INTEGER NOT NULL,
	-- used goods (seed 003 §二)
	used INTEGER NOT NULL DEFAULT 0,
	usage_years INTEGER,
	wear TEXT NOT NULL DEFAULT '',
	repair_history TEXT NOT NULL DEFAULT '',
	known_faults TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX sold_units_customer ON sold_units (customer_id);
CREATE INDEX sold_units_model ON sold_units (model_id);

-- Maintenance contracts cover units.
CREATE TABLE contract_units (
	contract_id {{I64}} NOT NULL REFERENCES contracts(id),
	unit_id {{I64}} NOT NULL REFERENCES sold_units(id),
	PRIMARY KEY (contract_id, unit_id)
);

-- Sales per customer and period (from the ERP): the base of the exchange
-- ratio.
CREATE TABLE sales_records (
	id {{ID}},
	customer_id {{I64}} NOT NULL REFERENCES customers(id),
	model_id {{I64}} REFERENCES product_models(id),
	sale_date INTEGER NOT NULL,
	quantity INTEGER NOT NULL DEFAULT 0,
	amount_fen {{I64}} NOT NULL,
	reference TEXT NOT NULL DEFAULT '',
	created_at {{I64}} NOT NULL
);
CREATE INDEX sales_records_customer ON sales_records (customer_id, sale_date);

-- The price list (收费标准), published to customers.
CREATE TABLE price_items (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('labour', 'onsite', 'travel', 'part', 'other')),
	name TEXT NOT NULL,
	unit TEXT NOT NULL DEFAULT '次',
	price_fen {{I64}} NOT NULL,
	part_id {{I64}} REFERENCES parts(id),
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

INSERT INTO permissions (key, description) VALUES
 ('customer.read', 'read customers, contacts and their history'),
 ('customer.manage', 'create and change customers and contacts'),
 ('product.read', 'read product models, parts and bills of parts'),
 ('product.manage', 'create and change product models and parts'),
 ('unit.read', 'read sold units and warranty'),
 ('unit.manage', 'create and change sold units'),
 ('contract.read', 'read contracts'),
 ('contract.manage', 'create and change contracts'),
 ('sales.read', 'read sales records'),
 ('sales.manage', 'record and import sales records'),
 ('price.read', 'read the price list'),
 ('price.manage', 'change the price list'),
 ('import.run', 'import master data from CSV');

-- Reading master data: every staff role; the customer role reads its own.
INSERT INTO role_permissions (role, permission)
 SELECT r.key, p.key FROM roles r, permissions p
 WHERE r.key NOT IN ('driver')
   AND p.key IN ('customer.read', 'product.read', 'unit.read', 'price.read');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, p.key FROM roles r, permissions p
 WHERE r.key IN ('admin', 'aftersales_manager', 'finance', 'sales_manager',
   'sales_vp', 'general_manager', 'statistician')
   AND p.key IN ('contract.read', 'sales.read');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, p.key FROM roles r, permissions p
 WHERE r.key IN ('admin', 'aftersales_manager', 'agent')
   AND p.key IN ('customer.manage', 'unit.manage');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, p.key FROM roles r, permissions p
 WHERE r.key IN ('admin', 'aftersales_manager', 'business_unit_lead')
   AND p.key IN ('product.manage');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, p.key FROM roles r, permissions p
 WHERE r.key IN ('admin', 'finance')
   AND p.key IN ('contract.manage', 'sales.manage', 'price.manage');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'import.run' FROM roles r
 WHERE r.key IN ('admin', 'finance', 'aftersales_manager');
