"""performance-profiler: baseline, time per layer, SLO breaches and the bottleneck inventory."""
