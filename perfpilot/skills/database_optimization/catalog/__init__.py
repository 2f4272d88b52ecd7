"""The schema catalog: its model, and readers for DDL files (pg_dump included), SQLite and PostgreSQL."""
