"""Read-only connections to the target database and sandbox copies of SQLite files."""
