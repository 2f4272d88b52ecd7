"""Query workloads: streamed ingestion of query logs, fingerprints and the digest (no agent imports)."""
