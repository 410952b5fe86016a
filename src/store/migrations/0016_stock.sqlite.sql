-- The movement journal is append-only: no route, and no statement, may
-- change it.
CREATE TRIGGER stock_moves_no_update BEFORE UPDATE ON stock_moves
BEGIN
	SELECT RAISE(ABORT, 'stock movements cannot be changed');
END;
CREATE TRIGGER stock_moves_no_delete BEFORE DELETE ON stock_moves
BEGIN
	SELECT RAISE(ABORT, 'stock movements cannot be deleted');
END;
