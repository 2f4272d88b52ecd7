"""Fakes for tests: only the model API is faked (a local Messages API server)."""
