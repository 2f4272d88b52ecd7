"""Live runs: start the target's service, capture its evidence, and apply the plan on a sandbox copy."""
