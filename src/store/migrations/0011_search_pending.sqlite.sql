-- SQLite: the full-text index is brought up to date once per write batch
-- instead of once per write.  A search_docs row that is written is only
-- recorded in search_pending; just before a batch commits, the writer thread
-- indexes the recorded rows in search_fts and empties the table, in the same
-- transaction (sq_search_flush, src/store/sqlite/sqlite_fts.c).  So a
-- committed row is always in the index, and search_pending is empty outside
-- a write transaction.
--
-- Why: FTS5 writes its pending terms out as a new segment at every SAVEPOINT
-- release, and the writer runs each job of a batch under its own savepoint;
-- indexing in the insert trigger cost one tiny segment per job, and then the
-- merges of those segments.
--
-- A row still pending is not in search_fts: deleting or changing it must not
-- send FTS5 a 'delete' (that would corrupt the external-content index), only
-- take it out of search_pending.  An indexed row leaves the index as before.

CREATE TABLE search_pending (id INTEGER PRIMARY KEY);

DROP TRIGGER search_docs_ai;
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs
BEGIN
	INSERT INTO search_pending (id) VALUES (new.id);
END;

DROP TRIGGER search_docs_ad;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs
BEGIN
	INSERT INTO search_fts (search_fts, rowid, kind, customer_id, number,
	    title, body)
	SELECT 'delete', old.id, old.kind, old.customer_id, old.number,
	    old.title, old.body
	WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = old.id);
	DELETE FROM search_pending WHERE id = old.id;
END;

-- search_put() never updates (it deletes and inserts), but an UPDATE stays
-- correct: an indexed row is re-indexed at once, as before; a pending row
-- stays pending under its new id.
DROP TRIGGER search_docs_au;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs
BEGIN
	INSERT INTO search_fts (search_fts, rowid, kind, customer_id, number,
	    title, body)
	SELECT 'delete', old.id, old.kind, old.customer_id, old.number,
	    old.title, old.body
	WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = old.id);
	INSERT INTO search_fts (rowid, kind, customer_id, number, title, body)
	SELECT new.id, new.kind, new.customer_id, new.number, new.title,
	    new.body
	WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = old.id);
	INSERT INTO search_pending (id)
	SELECT new.id
	WHERE new.id <> old.id
	    AND EXISTS (SELECT 1 FROM search_pending WHERE id = old.id);
	DELETE FROM search_pending WHERE id = old.id AND new.id <> old.id;
END;
