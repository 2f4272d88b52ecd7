"""Step agents: data describing each workflow step, and the one loop that runs them."""
