"""Servers that expose perfpilot where people already work (MCP)."""
