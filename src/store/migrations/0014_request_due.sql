-- The work list by deadline (GET /api/v1/requests?sort=due): the running
-- clocks of one kind of document in due order, so that a page is one index
-- range (due_at, doc_id) after the cursor whatever the history's size.
-- (sla_clocks_running of migration 10 is in (due_at, id) order across every
-- kind of document.)
CREATE INDEX sla_clocks_doc_due ON sla_clocks (doc_kind, due_at, doc_id)
	WHERE state = 'running';
