"""application-profiler: hot paths and recognisable inefficiencies from stack profiles."""
