"""database-optimization-analyzer: workload digest, anti-patterns, N+1, plans and index advice."""
