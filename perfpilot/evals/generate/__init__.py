"""Seeded generators of realistic evidence files (Prometheus, k6, nginx, PostgreSQL, MySQL, OTLP)."""
