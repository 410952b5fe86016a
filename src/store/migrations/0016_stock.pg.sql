-- The movement journal is append-only: no route, and no statement, may
-- change it.
CREATE FUNCTION stock_moves_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'stock movements cannot be changed or deleted';
END;
$$;
CREATE TRIGGER stock_moves_no_change BEFORE UPDATE OR DELETE ON stock_moves
	FOR EACH ROW EXECUTE FUNCTION stock_moves_frozen();
