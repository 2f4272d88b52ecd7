"""perfpilot: an agent that profiles, analyses, optimises and validates a system's performance."""

__version__ = "0.1.0"
