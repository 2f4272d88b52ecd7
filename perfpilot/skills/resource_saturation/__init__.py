"""resource-saturation-analyzer: pools, memory and CPU that run out, and the change each calls for."""
