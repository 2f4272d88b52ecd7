"""One streaming parser per workload format, each yielding QueryEvent records."""
