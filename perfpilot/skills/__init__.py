"""Skills: folders with a SKILL.md and typed code; deterministic computations over evidence."""
