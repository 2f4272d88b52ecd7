"""Chat-driven sessions: run the workflow in conversation, answer escalations, then explore the report."""
