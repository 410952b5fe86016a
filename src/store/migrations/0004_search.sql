-- Full-text search (SPEC §5.7: Chinese search finds 2-character words;
-- §4.11 knowledge base).  One row per searchable document, whatever module
-- owns it: (kind, ref_id) names the record ('request', 'customer', 'unit',
-- 'article', ...).  The rows are derived data, written by the owning module
-- through search_put() in its own write transaction.  customer_id isolates
-- customer users (NULL: not tied to a customer).
--
-- Each engine adds its own index: SQLite an FTS5 table with the "as_chars"
-- tokenizer (0004_search.sqlite.sql), PostgreSQL a tsvector column of the
-- same tokens, built in C, with a GIN index (0004_search.pg.sql).

CREATE TABLE search_docs (
	id {{ID}},
	kind TEXT NOT NULL,
	ref_id {{I64}} NOT NULL,
	customer_id {{I64}},
	number TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	updated_at {{I64}} NOT NULL,
	UNIQUE (kind, ref_id)
);
CREATE INDEX search_docs_customer ON search_docs (customer_id, id);

INSERT INTO permissions (key, description) VALUES
 ('search.read', 'full-text search of requests, customers, units and articles (customers: their own)');

-- Every role but driver: a driver's role reads no customers, units or
-- requests (0002), so a search would show it what the matrix denies.
INSERT INTO role_permissions (role, permission)
 SELECT key, 'search.read' FROM roles WHERE key NOT IN ('driver');
