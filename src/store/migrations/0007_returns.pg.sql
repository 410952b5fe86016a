-- Signatures are append-only: no route, and no statement, may change them.
CREATE FUNCTION return_signatures_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'signatures cannot be changed or deleted';
END;
$$;
CREATE TRIGGER return_signatures_no_change BEFORE UPDATE OR DELETE
	ON return_signatures
	FOR EACH ROW EXECUTE FUNCTION return_signatures_frozen();
