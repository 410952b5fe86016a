-- The business calendar (SPEC §3), service-level targets and their clocks
-- (SPEC §4.1), in-app notifications (SPEC §4.14).
-- Times are UTC seconds; calendar days are integers YYYYMMDD and minutes of
-- the day (0..1440) in the company time zone (the process zone, see
-- src/util/clock.h).  Booleans are 0/1 integers.

-- One business calendar (the code reads the one with the lowest id); the
-- version guards edits of the weekly hours.
CREATE TABLE calendars (
	id {{ID}},
	name TEXT NOT NULL UNIQUE,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);

-- Weekly working hours: weekday 1 = Monday .. 7 = Sunday; [start_min,
-- end_min) in minutes after local midnight; several intervals per day.
CREATE TABLE calendar_hours (
	calendar_id {{I64}} NOT NULL REFERENCES calendars(id),
	weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
	start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
	end_min INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
	PRIMARY KEY (calendar_id, weekday, start_min)
);

-- Special days: 'holiday' (no work at all) or 'workday' (a make-up working
-- day, 调休, or a day with changed hours).  A workday's hours are the text
-- "HH:MM-HH:MM[,HH:MM-HH:MM...]" or, when empty, the weekly hours of
-- as_weekday (1 = Monday).
CREATE TABLE calendar_days (
	id {{ID}},
	calendar_id {{I64}} NOT NULL REFERENCES calendars(id),
	day INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name TEXT NOT NULL DEFAULT '',
	as_weekday INTEGER NOT NULL DEFAULT 1 CHECK (as_weekday BETWEEN 1 AND 7),
	hours TEXT NOT NULL DEFAULT '',
	created_at {{I64}} NOT NULL,
	UNIQUE (calendar_id, day)
);

-- Service-level policies.  NULL criteria match anything; the distance band
-- is [distance_min_km, distance_max_km), NULL max = no upper bound.  For
-- mode 'next_day', target_min is the local time of day (720 = 12:00) on the
-- next calendar day (seed 000 4.2.9: "by 12:00 the next day").
CREATE TABLE sla_policies (
	id {{ID}},
	name TEXT NOT NULL,
	metric TEXT NOT NULL,
	request_type TEXT,
	severity TEXT,
	region_class TEXT,
	distance_min_km INTEGER NOT NULL DEFAULT 0,
	distance_max_km INTEGER,
	mode TEXT NOT NULL CHECK (mode IN ('working', 'calendar', 'next_day')),
	target_min INTEGER NOT NULL,
	warn_min INTEGER NOT NULL DEFAULT 60,
	active INTEGER NOT NULL DEFAULT 1,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE INDEX sla_policies_metric ON sla_policies (metric, active);

-- One clock per document and metric while it runs.  mode, target and lead
-- are copied from the policy at start: editing a policy never moves a
-- running clock.  remaining_s: while paused, the (working) seconds that were
-- left.  warned_at / breached_at are claimed once by the scheduler.
CREATE TABLE sla_clocks (
	id {{ID}},
	doc_kind TEXT NOT NULL,
	doc_id {{I64}} NOT NULL,
	doc_ref TEXT NOT NULL DEFAULT '',
	metric TEXT NOT NULL,
	policy_id {{I64}} NOT NULL REFERENCES sla_policies(id),
	mode TEXT NOT NULL CHECK (mode IN ('working', 'calendar', 'next_day')),
	target_min INTEGER NOT NULL,
	warn_min INTEGER NOT NULL,
	-- what the document offered to policy selection (NULL = not given)
	basis_type TEXT,
	basis_severity TEXT,
	basis_region TEXT,
	basis_distance_km INTEGER,
	basis_given INTEGER NOT NULL DEFAULT 0,
	owner_user_id {{I64}} REFERENCES users(id),
	state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'stopped')),
	started_at {{I64}} NOT NULL,
	due_at {{I64}} NOT NULL,
	warn_at {{I64}} NOT NULL,
	paused_at {{I64}},
	pause_reason TEXT,
	remaining_s {{I64}},
	paused_s {{I64}} NOT NULL DEFAULT 0,
	warned_at {{I64}},
	breached_at {{I64}},
	stopped_at {{I64}},
	outcome TEXT CHECK (outcome IN ('met', 'breached')),
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{I64}} NOT NULL,
	updated_at {{I64}} NOT NULL
);
CREATE UNIQUE INDEX sla_clocks_open ON sla_clocks (doc_kind, doc_id, metric)
	WHERE state <> 'stopped';
CREATE INDEX sla_clocks_doc ON sla_clocks (doc_kind, doc_id);
-- what the scheduler looks for: small, whatever the history
CREATE INDEX sla_clocks_due ON sla_clocks (due_at)
	WHERE state = 'running' AND breached_at IS NULL;
CREATE INDEX sla_clocks_warn ON sla_clocks (warn_at)
	WHERE state = 'running' AND warned_at IS NULL AND breached_at IS NULL;

CREATE TABLE sla_pauses (
	id {{ID}},
	clock_id {{I64}} NOT NULL REFERENCES sla_clocks(id),
	reason TEXT NOT NULL CHECK (reason IN ('waiting_customer', 'waiting_parts')),
	from_at {{I64}} NOT NULL,
	to_at {{I64}},
	excluded_s {{I64}} NOT NULL DEFAULT 0
);
CREATE INDEX sla_pauses_clock ON sla_pauses (clock_id, id);

-- In-app notifications (the durable outbox for email, SMS and webhooks is a
-- later migration).
CREATE TABLE notifications (
	id {{ID}},
	user_id {{I64}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	ref_kind TEXT,
	ref_id {{I64}},
	created_at {{I64}} NOT NULL,
	read_at {{I64}}
);
CREATE INDEX notifications_user ON notifications (user_id, id);

INSERT INTO permissions (key, description) VALUES
 ('calendar.read', 'read the business calendar and preview due times'),
 ('calendar.manage', 'change working hours, holidays and make-up days'),
 ('sla.read', 'read SLA policies and clocks'),
 ('sla.manage', 'create and change SLA policies'),
 ('notification.self', 'read and mark one''s own notifications');

-- Staff (every role but customer) read the calendar and the SLA.
INSERT INTO role_permissions (role, permission)
 SELECT r.key, p.key FROM roles r, permissions p
 WHERE r.key NOT IN ('customer') AND p.key IN ('calendar.read', 'sla.read');
INSERT INTO role_permissions (role, permission)
 SELECT r.key, p.key FROM roles r, permissions p
 WHERE r.key IN ('admin', 'aftersales_manager')
   AND p.key IN ('calendar.manage', 'sla.manage');
INSERT INTO role_permissions (role, permission)
 SELECT key, 'notification.self' FROM roles;

-- The default calendar: Monday to Friday 08:30-12:00 and 13:30-17:30.
INSERT INTO calendars (name, version, created_at, updated_at)
 VALUES ('default', 1, 0, 0);
INSERT INTO calendar_hours (calendar_id, weekday, start_min, end_min)
 SELECT c.id, w.d, w.s, w.e FROM calendars c,
  (SELECT 1 AS d, 510 AS s, 720 AS e UNION ALL SELECT 1, 810, 1050
   UNION ALL SELECT 2, 510, 720 UNION ALL SELECT 2, 810, 1050
   UNION ALL SELECT 3, 510, 720 UNION ALL SELECT 3, 810, 1050
   UNION ALL SELECT 4, 510, 720 UNION ALL SELECT 4, 810, 1050
   UNION ALL SELECT 5, 510, 720 UNION ALL SELECT 5, 810, 1050) w
 WHERE c.name = 'default';

-- Example data, editable (PUT/POST/DELETE /api/v1/calendar/...): China's
-- public holidays and make-up working days for 2026, after the State
-- Council General Office's notice "国务院办公厅关于2026年部分节假日安排的通知"
-- of 2025-11-04 (Xinhua).  Check each year's notice and enter the next
-- year's days; a company with other rest days edits these.
INSERT INTO calendar_days (calendar_id, day, kind, name, created_at)
 SELECT c.id, d.day, d.kind, d.name, 0 FROM calendars c,
  (SELECT 20260101 AS day, 'holiday' AS kind, '元旦' AS name
   UNION ALL SELECT 20260102, 'holiday', '元旦'
   UNION ALL SELECT 20260103, 'holiday', '元旦'
   UNION ALL SELECT 20260104, 'workday', '元旦调休上班'
   UNION ALL SELECT 20260214, 'workday', '春节调休上班'
   UNION ALL SELECT 20260215, 'holiday', '春节'
   UNION ALL SELECT 20260216, 'holiday', '春节'
   UNION ALL SELECT 20260217, 'holiday', '春节'
   UNION ALL SELECT 20260218, 'holiday', '春节'
   UNION ALL SELECT 20260219, 'holiday', '春节'
   UNION ALL SELECT 20260220, 'holiday', '春节'
   UNION ALL SELECT 20260221, 'holiday', '春节'
   UNION ALL SELECT 20260222, 'holiday', '春节'
   UNION ALL SELECT 20260223, 'holiday', '春节'
   UNION ALL SELECT 20260228, 'workday', '春节调休上班'
   UNION ALL SELECT 20260404, 'holiday', '清明节'
   UNION ALL SELECT 20260405, 'holiday', '清明节'
   UNION ALL SELECT 20260406, 'holiday', '清明节'
   UNION ALL SELECT 20260501, 'holiday', '劳动节'
   UNION ALL SELECT 20260502, 'holiday', '劳动节'
   UNION ALL SELECT 20260503, 'holiday', '劳动节'
   UNION ALL SELECT 20260504, 'holiday', '劳动节'
   UNION ALL SELECT 20260505, 'holiday', '劳动节'
   UNION ALL SELECT 20260509, 'workday', '劳动节调休上班'
   UNION ALL SELECT 20260619, 'holiday', '端午节'
   UNION ALL SELECT 20260620, 'holiday', '端午节'
   UNION ALL SELECT 20260621, 'holiday', '端午节'
   UNION ALL SELECT 20260920, 'workday', '国庆节调休上班'
   UNION ALL SELECT 20260925, 'holiday', '中秋节'
   UNION ALL SELECT 20260926, 'holiday', '中秋节'
   UNION ALL SELECT 20260927, 'holiday', '中秋节'
   UNION ALL SELECT 20261001, 'holiday', '国庆节'
   UNION ALL SELECT 20261002, 'holiday', '国庆节'
   UNION ALL SELECT 20261003, 'holiday', '国庆节'
   UNION ALL SELECT 20261004, 'holiday', '国庆节'
   UNION ALL SELECT 20261005, 'holiday', '国庆节'
   UNION ALL SELECT 20261006, 'holiday', '国庆节'
   UNION ALL SELECT 20261007, 'holiday', '国庆节'
   UNION ALL SELECT 20261010, 'workday', '国庆节调休上班') d
 WHERE c.name = 'default';

-- The default targets of SPEC §4.1.  Selection: the most specific active
-- policy of the metric wins (see src/domain/sla/sla.h).  Urban and suburban
-- sites under 1000 km are served locally (working hours: region class and
-- band, specificity 3); sites 1000 km or more away get 48 h whatever their
-- region class, and sites of any other region class (e.g. 'remote') under
-- 1000 km get 24 h (the distance bands, calendar hours).
INSERT INTO sla_policies (name, metric, request_type, severity, region_class,
  distance_min_km, distance_max_km, mode, target_min, warn_min, created_at,
  updated_at) VALUES
 ('到场时限 市区 6 工作小时', 'arrival', NULL, NULL, 'urban', 0, 1000,
  'working', 360, 60, 0, 0),
 ('到场时限 郊区 7 工作小时', 'arrival', NULL, NULL, 'suburban', 0, 1000,
  'working', 420, 60, 0, 0),
 ('到场时限 1000 公里内 24 小时', 'arrival', NULL, NULL, NULL, 0, 1000,
  'calendar', 1440, 60, 0, 0),
 ('到场时限 1000 公里及以上 48 小时', 'arrival', NULL, NULL, NULL, 1000, NULL,
  'calendar', 2880, 60, 0, 0),
 ('投诉 48 小时内答复', 'answer', 'complaint', NULL, NULL, 0, NULL,
  'calendar', 2880, 240, 0, 0),
 ('退货单 次日 12:00 前寄出', 'return_slip', NULL, NULL, NULL, 0, NULL,
  'next_day', 720, 60, 0, 0),
 ('出差总结 返回后 2 天内', 'trip_summary', NULL, NULL, NULL, 0, NULL,
  'calendar', 2880, 240, 0, 0);
