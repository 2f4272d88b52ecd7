"""cost-optimization-analyzer: rightsizing, idle, commitment and Kubernetes request findings."""
