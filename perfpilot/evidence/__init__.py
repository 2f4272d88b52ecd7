"""Evidence: one loader per source format, together producing an EvidenceBundle."""
