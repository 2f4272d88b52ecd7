"""Documented constants the cost findings use; each notes where its figure comes from."""

from __future__ import annotations

DEFAULT_REGION = "us-east-1"
"""Region assumed for an inventory instance that names none (the region of most public price lists)."""

PRICE_MISMATCH = 0.05
"""An inventory price more than 5% from the catalog's list price is pointed out (not corrected)."""

HOURS_PER_MONTH = 730.0
"""Hours in a billing month as AWS, GCP and Azure price calculators count them (8,760 h / 12)."""

TARGET_UTILISATION = 0.70
"""Highest p95 utilisation we size to: leaves 30% headroom for bursts and failover (AWS Compute
Optimizer and GKE's recommender both size to a utilisation target below saturation)."""

IDLE_CPU_P95 = 0.05
"""An instance whose p95 CPU stays under 5% does no meaningful work (AWS Trusted Advisor's
'low utilization EC2' check uses CPU <= 10% average on 4 of 14 days; we use a stricter p95 bound).
When the inventory has the measured peak (max), it must stay under 5% too: a burst is work."""

MIN_AVAILABLE_COUNT = 2
"""Fewest instances a group of two or more is reduced to: one instance can be lost (a zone, a deploy)
while the other serves (the usual N+1 floor for a service behind a load balancer)."""

CONSTRAINED_P95 = 0.85
"""p95 utilisation above which a resource queues work and drives latency (saturation begins)."""

PEAK_CEILING = CONSTRAINED_P95
"""A smaller size must hold the measured peak (max, not p95 or average) at or under 85%, where
saturation begins: a downsizing never leaves the busiest observed moment without the capacity it used."""

ARCHITECTURE_LIMIT_P95 = 0.90
"""p95 CPU above which a single node with no horizontal path is treated as an architecture limit."""

STEADY_AVG_TO_P95 = 0.60
"""Utilisation counts as steady when avg / p95 >= 0.60: the fleet runs near its peak all month,
so a commitment (reserved instance / savings plan) is used for most of its hours."""

RESERVED_DISCOUNT = 0.375
"""1-year standard reserved instance, no upfront, vs on-demand: AWS EC2 m5.large Linux us-east-1
lists $0.096/h on-demand and $0.060/h reserved = 37.5% off."""

SPOT_DISCOUNT = 0.60
"""Conservative spot discount: the AWS Spot Instance Advisor shows 60-90% savings vs on-demand for
general-purpose types; we plan with the low end."""

SPOT_ROLES = ("worker", "batch", "ci", "build", "queue", "job", "consumer")
"""Role names that mark interruptible, stateless capacity (spot candidates when count >= 2)."""

FARGATE_VCPU_HOUR_USD = 0.04048
"""AWS Fargate Linux/x86 us-east-1 price per vCPU-hour: the per-core value of a Kubernetes request."""

FARGATE_GIB_HOUR_USD = 0.004445
"""AWS Fargate Linux/x86 us-east-1 price per GB-hour: the per-GiB value of a Kubernetes request."""

MEMORY_BUFFER = 0.15
"""Memory request = peak working set x 1.15: krr's simple strategy default buffer (15%) over the peak,
room for growth the window did not show without reserving far more than was used."""

MIN_REQUEST_CHANGE = 0.20
"""A request changes only when the sized value differs from the current by at least 20% (of the
current value): smaller moves are within a window's noise and not worth a rollout."""

MIN_RATE_INTERVALS = 10
"""Fewer CPU rate intervals than this make a percentile little more than the maximum; said so."""

LIMIT_TO_REQUEST_MAX = 4.0
"""Limits more than 4x requests let a pod burst far past what the scheduler reserved (overcommit)."""

HIGH_PRIORITY_IMPACT = 0.10
MEDIUM_PRIORITY_IMPACT = 0.03
"""Priority bands over impact: >= 0.10 high, >= 0.03 medium, else low."""
