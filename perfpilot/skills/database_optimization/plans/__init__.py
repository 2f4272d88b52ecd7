"""Query plans: EXPLAIN on PostgreSQL (JSON) and SQLite (EXPLAIN QUERY PLAN), summarised with issues."""
