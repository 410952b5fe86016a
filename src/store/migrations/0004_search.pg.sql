-- PostgreSQL: the same tokens as SQLite's FTS5 index, computed in C by
-- tok_split() (src/util/tokenize.c) and stored as a tsvector literal with
-- positions: each character, each pair of neighbouring characters at the
-- first one's position, each ASCII run.  A query is a phrase tsquery of the
-- same lookup tokens ('空调' <-> '调漏' <-> '漏水'), so it matches exactly what
-- FTS5 matches, and a 2-character word is one GIN key.  No text search
-- configuration is involved: the literal is parsed, never normalised.
-- pg_trgm was not chosen: its index cannot serve terms shorter than three
-- characters, and 漏水 has two.
ALTER TABLE search_docs ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);
