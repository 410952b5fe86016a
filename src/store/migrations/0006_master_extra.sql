-- Master data, second part: indexes the master data module's queries need,
-- and the permission to delete sales records (ERP facts: only admin).

-- a sales record's ERP reference is unique per customer (checked in code,
-- where an empty reference is allowed many times)
CREATE INDEX sales_records_reference ON sales_records (customer_id, reference);
-- a contract's units (warranty recompute, unit lists by contract)
CREATE INDEX sold_units_contract ON sold_units (contract_id);
CREATE INDEX contract_units_unit ON contract_units (unit_id);
CREATE INDEX model_parts_part ON model_parts (part_id);
CREATE INDEX price_items_part ON price_items (part_id);

INSERT INTO permissions (key, description) VALUES
 ('sales.delete', 'delete a sales record (ERP facts: audited)');
INSERT INTO role_permissions (role, permission) VALUES
 ('admin', 'sales.delete');
