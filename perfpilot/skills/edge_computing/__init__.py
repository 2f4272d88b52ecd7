"""edge-computing-architect: CDN/edge caching, static offload, application cache and compression."""
