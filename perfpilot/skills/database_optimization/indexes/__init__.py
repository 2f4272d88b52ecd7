"""Index advice: candidates, what-if costs (HypoPG, SQLite sandbox, heuristic), greedy selection."""
