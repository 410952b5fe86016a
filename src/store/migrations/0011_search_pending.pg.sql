-- PostgreSQL: nothing to do.  search_put() writes the tsvector column with
-- the row, and PostgreSQL has no per-savepoint index flush to save.  This
-- file only records version 11, so that both engines end at the same version.
SELECT 1;
