"""The workload as the run loaded it: top query shapes and session statement sequences from the evidence."""
