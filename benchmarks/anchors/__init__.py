"""Index-selection algorithms from the literature, run on perfpilot's what-if model as benchmark anchors."""
