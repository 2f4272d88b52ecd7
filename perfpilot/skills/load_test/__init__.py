"""load-test-runner: k6 scripts for baseline/peak/stress/soak profiles, run with the real k6 binary."""
