"""Planners decide each step's next action: the deterministic offline planner, or Claude."""
