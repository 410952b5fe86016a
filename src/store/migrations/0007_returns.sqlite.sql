-- Signatures are append-only: no route, and no statement, may change them.
CREATE TRIGGER return_signatures_no_update BEFORE UPDATE ON return_signatures
BEGIN
	SELECT RAISE(ABORT, 'signatures cannot be changed');
END;
CREATE TRIGGER return_signatures_no_delete BEFORE DELETE ON return_signatures
BEGIN
	SELECT RAISE(ABORT, 'signatures cannot be deleted');
END;
