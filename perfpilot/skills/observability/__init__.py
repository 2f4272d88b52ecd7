"""observability-stack-configurator: scrape recommendations, alert rules, dashboard and the CI k6 gate."""
