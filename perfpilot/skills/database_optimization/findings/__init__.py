"""The skill's findings, each built once, in the skill's vocabulary (ids, kinds, priorities)."""
