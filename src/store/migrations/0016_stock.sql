-- The spare-parts store (SPEC §4.9) and the cost ledger (§4.10).  Quantities
-- are integers in the part's unit; money integer fen; days YYYYMMDD in the
-- company zone.  Declared once in domain/stock (stock.h states the rules).

ALTER TABLE parts ADD COLUMN serial_tracked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE parts ADD COLUMN approval_required INTEGER NOT NULL DEFAULT 0;

-- One row per part and warehouse that ever moved (or has a reorder point):
-- what is on hand, its moving-average cost, the reorder point and whether
-- the low-stock notice of the current crossing has been sent.  The CHECK is
-- the last guard of "never negative"; the code refuses first, by name.
CREATE TABLE stock_levels (
	id {{ID}},
	part_id {{I64}} NOT NULL REFERENCES parts(id),
	warehouse_id {{I64}} NOT NULL REFERENCES warehouses(id),
	on_hand {{I64}} NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
	avg_cost_fen {{I64}} NOT NULL DEFAULT 0 CHECK (avg_cost_fen >= 0),
	reorder_point {{I64}} NOT NULL DEFAULT 0,
	reorder_qty {{I64}} NOT NULL DEFAULT 0,
	low_notified INTEGER NOT NULL DEFAULT 0,
	last_move_at {{I64}},
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL,
	UNIQUE (part_id, warehouse_id)
);
-- a warehouse's levels in the list's order; its low ones (the list's low
-- filter, the same condition, so both engines take the partial index)
CREATE INDEX stock_levels_warehouse ON stock_levels (warehouse_id, id);
CREATE INDEX stock_levels_low ON stock_levels (warehouse_id, id)
 WHERE reorder_point > 0 AND on_hand <= reorder_point;
CREATE INDEX stock_levels_low_all ON stock_levels (id)
 WHERE reorder_point > 0 AND on_hand <= reorder_point;

-- The movement journal: append-only (the engine-specific files refuse
-- UPDATE and DELETE).  qty and value_fen are signed: + in, - out.
CREATE TABLE stock_moves (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('receipt', 'issue', 'loan',
	    'loan_return', 'transfer_out', 'transfer_in', 'count', 'scrap')),
	part_id {{I64}} NOT NULL REFERENCES parts(id),
	warehouse_id {{I64}} NOT NULL REFERENCES warehouses(id),
	qty {{I64}} NOT NULL CHECK (qty <> 0),
	unit_cost_fen {{I64}} NOT NULL,
	value_fen {{I64}} NOT NULL,
	on_hand_after {{I64}} NOT NULL,
	avg_after_fen {{I64}} NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	doc_kind TEXT,
	doc_id {{I64}},
	ref_kind TEXT,
	ref_id {{I64}},
	reason TEXT NOT NULL DEFAULT '',
	day INTEGER NOT NULL,
	created_by {{I64}} REFERENCES users(id),
	created_at {{I64}} NOT NULL
);
CREATE INDEX stock_moves_level ON stock_moves (part_id, warehouse_id, id);
CREATE INDEX stock_moves_ref ON stock_moves (ref_kind, ref_id);
CREATE INDEX stock_moves_doc ON stock_moves (doc_kind, doc_id);
CREATE INDEX stock_moves_day ON stock_moves (day, kind, part_id);

-- Requisitions (《费用领料单》, LL-YYYYMMDD-NNNN): an issue to a document,
-- pending while it waits for the after-sales manager.
CREATE TABLE stock_requisitions (
	id {{ID}},
	number TEXT NOT NULL UNIQUE,
	state TEXT NOT NULL,
	part_id {{I64}} NOT NULL REFERENCES parts(id),
	warehouse_id {{I64}} NOT NULL REFERENCES warehouses(id),
	qty {{I64}} NOT NULL,
	doc_kind TEXT NOT NULL,
	doc_id {{I64}} NOT NULL,
	billing TEXT NOT NULL,
	value_fen {{I64}} NOT NULL DEFAULT 0,
	needs_approval INTEGER NOT NULL DEFAULT 0,
	approval_reason TEXT NOT NULL DEFAULT '',
	unit_id {{I64}} REFERENCES sold_units(id),
	old_serial TEXT NOT NULL DEFAULT '',
	new_serial TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	decision_note TEXT NOT NULL DEFAULT '',
	requested_by {{I64}} REFERENCES users(id),
	decided_by {{I64}} REFERENCES users(id),
	decided_at {{I64}},
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX stock_requisitions_doc ON stock_requisitions (doc_kind, doc_id);
CREATE INDEX stock_requisitions_state ON stock_requisitions (state, id);

-- Loans (借料, JL-...): out to a person until returned.
CREATE TABLE stock_loans (
	id {{ID}},
	number TEXT NOT NULL UNIQUE,
	state TEXT NOT NULL,
	part_id {{I64}} NOT NULL REFERENCES parts(id),
	warehouse_id {{I64}} NOT NULL REFERENCES warehouses(id),
	qty {{I64}} NOT NULL,
	returned_qty {{I64}} NOT NULL DEFAULT 0,
	unit_cost_fen {{I64}} NOT NULL DEFAULT 0,
	borrower_id {{I64}} NOT NULL REFERENCES users(id),
	due_date INTEGER NOT NULL,
	doc_kind TEXT,
	doc_id {{I64}},
	note TEXT NOT NULL DEFAULT '',
	created_by {{I64}} REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX stock_loans_open ON stock_loans (state, due_date);
CREATE INDEX stock_loans_level ON stock_loans (part_id, warehouse_id, state);

-- Transfers (调拨, DB-...): sent, in transit, received.
CREATE TABLE stock_transfers (
	id {{ID}},
	number TEXT NOT NULL UNIQUE,
	state TEXT NOT NULL,
	part_id {{I64}} NOT NULL REFERENCES parts(id),
	from_warehouse_id {{I64}} NOT NULL REFERENCES warehouses(id),
	to_warehouse_id {{I64}} NOT NULL REFERENCES warehouses(id),
	qty {{I64}} NOT NULL,
	unit_cost_fen {{I64}} NOT NULL DEFAULT 0,
	note TEXT NOT NULL DEFAULT '',
	sent_by {{I64}} REFERENCES users(id),
	received_by {{I64}} REFERENCES users(id),
	received_at {{I64}},
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX stock_transfers_to ON stock_transfers (part_id, to_warehouse_id,
 state);

-- Stock counts (盘点, PD-...): counted against the book, the difference
-- posted once the after-sales manager approves.
CREATE TABLE stock_counts (
	id {{ID}},
	number TEXT NOT NULL UNIQUE,
	state TEXT NOT NULL,
	part_id {{I64}} NOT NULL REFERENCES parts(id),
	warehouse_id {{I64}} NOT NULL REFERENCES warehouses(id),
	book_qty {{I64}} NOT NULL,
	counted_qty {{I64}} NOT NULL,
	diff {{I64}} NOT NULL,
	value_fen {{I64}} NOT NULL DEFAULT 0,
	reason TEXT NOT NULL DEFAULT '',
	decision_note TEXT NOT NULL DEFAULT '',
	counted_by {{I64}} REFERENCES users(id),
	decided_by {{I64}} REFERENCES users(id),
	decided_at {{I64}},
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

-- A serial-tracked part replaced in a unit: the old and the new serial.
CREATE TABLE unit_part_serials (
	id {{ID}},
	unit_id {{I64}} NOT NULL REFERENCES sold_units(id),
	part_id {{I64}} NOT NULL REFERENCES parts(id),
	old_serial TEXT NOT NULL,
	new_serial TEXT NOT NULL,
	requisition_id {{I64}} NOT NULL REFERENCES stock_requisitions(id),
	request_id {{I64}},
	created_at {{I64}} NOT NULL
);
CREATE INDEX unit_part_serials_unit ON unit_part_serials (unit_id, id);

-- The cost ledger: cost lines on documents.  customer_id and model_id are
-- taken from the document when the line is written, for the reports.
CREATE TABLE cost_lines (
	id {{ID}},
	doc_kind TEXT NOT NULL,
	doc_id {{I64}} NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('labour', 'parts', 'travel',
	    'transport', 'compensation', 'other')),
	billing TEXT NOT NULL CHECK (billing IN ('paid', 'warranty',
	    'contract')),
	minutes {{I64}},
	rate_fen {{I64}},
	qty {{I64}},
	part_id {{I64}} REFERENCES parts(id),
	amount_fen {{I64}} NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	customer_id {{I64}} REFERENCES customers(id),
	model_id {{I64}} REFERENCES product_models(id),
	requisition_id {{I64}} REFERENCES stock_requisitions(id),
	day INTEGER NOT NULL,
	created_by {{I64}} REFERENCES users(id),
	created_at {{I64}} NOT NULL
);
CREATE INDEX cost_lines_doc ON cost_lines (doc_kind, doc_id, id);
CREATE INDEX cost_lines_day ON cost_lines (day, kind);
CREATE INDEX cost_lines_customer ON cost_lines (customer_id, id);

INSERT INTO permissions (key, description) VALUES
 ('stock.read', 'read stock levels, movements and stock documents'),
 ('stock.move', 'receive, scrap, lend, transfer and count parts'),
 ('stock.issue', 'issue parts to a document (requisitions)'),
 ('stock.manage', 'change the stock settings'),
 ('cost.read', 'read cost lines and cost reports'),
 ('cost.write', 'add cost lines to documents');

INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'stock.read' FROM roles r
 WHERE r.key NOT IN ('driver', 'customer');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'stock.move' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager', 'warehouse');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'stock.issue' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager', 'warehouse', 'technician',
 'business_unit_lead');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'stock.manage' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'cost.read' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager', 'finance', 'general_manager',
 'sales_vp', 'business_unit_lead', 'warehouse', 'statistician', 'agent',
 'technician');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'cost.write' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager', 'agent', 'technician',
 'finance', 'business_unit_lead');

-- The requisition's printed form 《费用领料单》 has its template.
INSERT INTO doc_templates (doc_type, footer, created_at, updated_at) VALUES
 ('requisition', '', 0, 0);
