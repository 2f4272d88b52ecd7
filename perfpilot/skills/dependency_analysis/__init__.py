"""dependency-analyzer: time spent waiting on other services, per endpoint and peer."""
