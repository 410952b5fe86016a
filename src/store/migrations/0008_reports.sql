-- Reports (GET /api/v1/reports/...): who may read them.

INSERT INTO permissions (key, description) VALUES
 ('report.read', 'read reports: requests by month, type and state');

INSERT INTO role_permissions (role, permission)
 SELECT key, 'report.read' FROM roles WHERE key IN ('aftersales_manager',
  'business_unit_lead', 'sales_manager', 'sales_vp', 'general_manager',
  'finance', 'statistician', 'admin');
