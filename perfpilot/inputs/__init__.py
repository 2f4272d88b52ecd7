"""Bounds on everything perfpilot reads: file kind, size, encoding, nesting, YAML aliases, time."""
