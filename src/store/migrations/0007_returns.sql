-- Returns and exchanges (调退货, SPEC §4.3; seed 000 §3 and §4.2): the form
-- 《调退货明细表》 with its lines, the append-only signatures, the timeline,
-- transport orders (《退货运输单》), corrective actions opened by QC, the
-- durable outbox (the return slip 《退货单》 to the customer), and the
-- settings of exchange-ratio control.
-- Money is integer fen; days are YYYYMMDD integers in the company calendar;
-- ratios are integer basis points (500 = 5.00 %); times are UTC seconds.

CREATE TABLE returns (
	id {{ID}},
	number TEXT NOT NULL UNIQUE,
	-- exchange (调货) or refund (退货)
	kind TEXT NOT NULL CHECK (kind IN ('exchange', 'refund')),
	reason TEXT NOT NULL CHECK (reason IN ('unsalable', 'quality',
		'transit_damage', 'not_as_described')),
	-- paper/fax forms are registered by the office and signed for by
	-- after-sales; staff and portal forms start submitted
	channel TEXT NOT NULL CHECK (channel IN ('paper', 'fax', 'staff',
		'portal')),
	state TEXT NOT NULL,
	state_since {{I64}} NOT NULL,
	customer_id {{I64}} NOT NULL REFERENCES customers(id),
	request_id {{I64}} REFERENCES service_requests(id),
	-- the company-local day the form came in: the end of the time limit
	-- count and the day that places it in a contract period
	filed_day INTEGER NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	total_quantity {{I64}} NOT NULL,
	total_amount_fen {{I64}} NOT NULL,
	has_used INTEGER NOT NULL DEFAULT 0,
	-- the general manager's special approval of an exchange over a limit
	special_by {{I64}} REFERENCES users(id),
	special_at {{I64}},
	special_note TEXT NOT NULL DEFAULT '',
	-- rejection or cancellation, shown to the customer
	close_reason TEXT NOT NULL DEFAULT '',
	-- QC's verdict (质管部)
	qc_verdict TEXT CHECK (qc_verdict IN ('intact', 'company_defect',
		'customer_damage')),
	qc_explanation TEXT NOT NULL DEFAULT '',
	responsible_department_id {{I64}} REFERENCES departments(id),
	responsible_person TEXT NOT NULL DEFAULT '',
	depreciation_fen {{I64}} NOT NULL DEFAULT 0,
	-- the warehouse receipt (退货入库单) and the settlement
	resolution TEXT CHECK (resolution IN ('exchange', 'refund')),
	refund_fen {{I64}} NOT NULL DEFAULT 0,
	exchange_value_fen {{I64}} NOT NULL DEFAULT 0,
	received_at {{I64}},
	-- the statistician's record
	recorded_quantity {{I64}},
	recorded_amount_fen {{I64}},
	recorded_at {{I64}},
	-- the return slip: due by 12:00 the calendar day after the receipt
	slip_due_at {{I64}},
	slip_sent_at {{I64}},
	slip_breached INTEGER,
	slip_outbox_id {{I64}},
	created_by {{I64}} REFERENCES users(id),
	closed_at {{I64}},
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX returns_customer ON returns (customer_id, filed_day);
CREATE INDEX returns_state ON returns (state, state_since);
CREATE INDEX returns_filed ON returns (filed_day, id);
CREATE INDEX returns_request ON returns (request_id);

CREATE TABLE return_lines (
	id {{ID}},
	return_id {{I64}} NOT NULL REFERENCES returns(id),
	line_no INTEGER NOT NULL,
	model_id {{I64}} REFERENCES product_models(id),
	unit_id {{I64}} REFERENCES sold_units(id),
	description TEXT NOT NULL DEFAULT '',
	quantity {{I64}} NOT NULL CHECK (quantity > 0),
	unit_price_fen {{I64}} NOT NULL CHECK (unit_price_fen >= 0),
	amount_fen {{I64}} NOT NULL CHECK (amount_fen >= 0),
	reason TEXT NOT NULL,
	-- the goods' delivery day (the line's, else the sold unit's)
	delivery_date INTEGER,
	used INTEGER NOT NULL DEFAULT 0,
	UNIQUE (return_id, line_no)
);
CREATE INDEX return_lines_unit ON return_lines (unit_id);

-- Every signature (and every other step) is an act of a named user in a
-- role, at a time: append-only (triggers in the engine files).
CREATE TABLE return_signatures (
	id {{ID}},
	return_id {{I64}} NOT NULL REFERENCES returns(id),
	step TEXT NOT NULL,
	user_id {{I64}} NOT NULL REFERENCES users(id),
	role TEXT NOT NULL,
	signed_at {{I64}} NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX return_signatures_return ON return_signatures (return_id, id);

-- The timeline: creation, steps, notes and replies.
CREATE TABLE return_events (
	id {{ID}},
	return_id {{I64}} NOT NULL REFERENCES returns(id),
	at {{I64}} NOT NULL,
	user_id {{I64}} REFERENCES users(id),
	kind TEXT NOT NULL,
	visibility TEXT NOT NULL CHECK (visibility IN ('internal', 'customer')),
	body TEXT NOT NULL DEFAULT '',
	data TEXT
);
CREATE INDEX return_events_return ON return_events (return_id, id);

-- 《退货运输单》: issued by the after-sales head; a driver picks up only
-- against one.
CREATE TABLE transport_orders (
	id {{ID}},
	number TEXT NOT NULL UNIQUE,
	return_id {{I64}} NOT NULL REFERENCES returns(id),
	station TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	issued_by {{I64}} NOT NULL REFERENCES users(id),
	issued_at {{I64}} NOT NULL,
	picked_up_by {{I64}} REFERENCES users(id),
	picked_up_at {{I64}}
);
CREATE INDEX transport_orders_return ON transport_orders (return_id);

-- Corrective and preventive actions (纠正和预防措施).  QC opens one when a
-- return is a company defect; the complaint module may open others
-- (source_kind) and add the later stages.
CREATE TABLE capa (
	id {{ID}},
	source_kind TEXT NOT NULL,
	return_id {{I64}} REFERENCES returns(id),
	department_id {{I64}} NOT NULL REFERENCES departments(id),
	person TEXT NOT NULL,
	description TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
	opened_by {{I64}} REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX capa_return ON capa (return_id);
CREATE INDEX capa_state ON capa (state, id);

-- The durable outbox: messages to customers and other systems, written in
-- the transaction of the event; a sender (later) delivers and marks them.
CREATE TABLE outbox (
	id {{ID}},
	channel TEXT NOT NULL,
	recipient TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	ref_kind TEXT,
	ref_id {{I64}},
	created_at {{I64}} NOT NULL,
	sent_at {{I64}},
	attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (sent_at, id);

-- Exchange-ratio control: finance is warned at warn_share_bp of a
-- customer's limit (8000 = 80 %); the company's own limits apply where no
-- sales contract with a limit covers the day (the period is then the
-- calendar year).
INSERT INTO settings (key, value, version, updated_at) VALUES
 ('rma.warn_share_bp', '8000', 1, 0),
 ('rma.default_ratio_limit_bp', '500', 1, 0),
 ('rma.default_days_limit', '90', 1, 0);

INSERT INTO permissions (key, description) VALUES
 ('return.read', 'read returns and exchanges (customers: their own)'),
 ('return.create', 'file or register a return/exchange form'),
 ('return.work', 'add notes; sign the steps the role allows'),
 ('return.report', 'exchange ratios, return reports'),
 ('return.manage', 'change the exchange-ratio settings');

INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'return.read' FROM roles r;
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'return.create' FROM roles r
 WHERE r.key IN ('admin', 'agent', 'aftersales_manager', 'clerk',
   'sales_manager', 'customer');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'return.work' FROM roles r
 WHERE r.key IN ('admin', 'agent', 'aftersales_manager', 'qc_inspector',
   'warehouse', 'finance', 'sales_manager', 'general_manager',
   'statistician', 'clerk', 'driver', 'customer');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'return.report' FROM roles r
 WHERE r.key IN ('admin', 'aftersales_manager', 'finance', 'sales_manager',
   'sales_vp', 'general_manager', 'statistician');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, 'return.manage' FROM roles r
 WHERE r.key IN ('admin', 'finance');
