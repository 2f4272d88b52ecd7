"""shop: a small web shop API with the performance problems real services have (perfpilot's demo target)."""
