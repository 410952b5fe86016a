-- Saved views: a user's named filters of a list screen (the request list's
-- "my open repairs"), kept on the server so they follow the user from the
-- office PC to the phone.  query is the screen's query string as the UI
-- wrote it; the server only bounds its size.

CREATE TABLE saved_views (
	id {{ID}},
	user_id {{I64}} NOT NULL REFERENCES users(id),
	page TEXT NOT NULL,
	name TEXT NOT NULL,
	query TEXT NOT NULL,
	created_at {{I64}} NOT NULL
);
CREATE UNIQUE INDEX saved_views_name ON saved_views (user_id, page, name);

-- The dashboard's "due soon" and "overdue" lists: running clocks by due time,
-- whatever the scheduler has raised on them.
CREATE INDEX sla_clocks_running ON sla_clocks (due_at, id)
	WHERE state = 'running';
