-- Indexes for the hot reads of a large history (bench/README.md):
--  * the request list filtered by state and type (or type alone), newest
--    first: one index range per page instead of a scan of the state's rows;
--  * the monthly report (GET /api/v1/reports/requests-monthly): a month's
--    requests counted by type and state from the index alone.  It replaces
--    service_requests_day (created_day, type), which is its prefix.

CREATE INDEX service_requests_state_type ON service_requests (state, type, id);
CREATE INDEX service_requests_type ON service_requests (type, id);
CREATE INDEX service_requests_day_type_state ON service_requests
 (created_day, type, state);
DROP INDEX service_requests_day;
