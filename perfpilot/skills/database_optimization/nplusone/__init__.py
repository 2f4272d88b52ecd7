"""N+1 detection in traces and session-tagged query logs, and the batched rewrite."""
