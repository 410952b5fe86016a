-- SQLite: an external-content FTS5 index over search_docs, kept in step by
-- triggers.  The "as_chars" tokenizer (src/store/sqlite/sqlite_fts.c) is
-- registered on every connection the server opens: one token per CJK
-- character plus each pair of neighbouring characters at the same position,
-- so a 2-character word is one lookup and a longer one a phrase of pairs.  The sqlite3 shell
-- cannot read this table (it lacks the tokenizer); every other table is
-- unaffected.
--
-- kind and customer_id are indexed too, so that a filtered search is one
-- FTS5 AND (a rare customer's doclist skips through the common words')
-- instead of a scan of every match; users' words only ever search number,
-- title and body.  prefix = '2 3' keeps short ASCII prefixes ("KT", "138")
-- to one doclist each.

CREATE VIRTUAL TABLE search_fts USING fts5(
	kind, customer_id, number, title, body,
	content = 'search_docs', content_rowid = 'id',
	tokenize = 'as_chars', columnsize = 0, prefix = '2 3'
);

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs
BEGIN
	INSERT INTO search_fts (rowid, kind, customer_id, number, title, body)
	VALUES (new.id, new.kind, new.customer_id, new.number, new.title,
	    new.body);
END;

CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs
BEGIN
	INSERT INTO search_fts (search_fts, rowid, kind, customer_id, number, title,
	    body)
	VALUES ('delete', old.id, old.kind, old.customer_id, old.number,
	    old.title, old.body);
END;

CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs
BEGIN
	INSERT INTO search_fts (search_fts, rowid, kind, customer_id, number, title,
	    body)
	VALUES ('delete', old.id, old.kind, old.customer_id, old.number,
	    old.title, old.body);
	INSERT INTO search_fts (rowid, kind, customer_id, number, title, body)
	VALUES (new.id, new.kind, new.customer_id, new.number, new.title,
	    new.body);
END;
