"""Benchmarks: reproducible measurements of perfpilot's speed, run as `python -m benchmarks.<name>`."""
