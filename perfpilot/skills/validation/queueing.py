"""M/M/c queueing: how response time changes when the utilisation of a CPU pool changes.

Model: each instance of a fleet is an M/M/c queue whose c servers are its vCPUs; requests arrive as a
Poisson stream, service times are exponential, load is spread evenly over the instances, and the CPU is
the resource requests wait for. With utilisation rho and offered load a = c * rho, Erlang's C formula
gives the probability that a request waits, C(c, a), and the mean response time in units of the mean
service time S is R / S = 1 + C(c, a) / (c * (1 - rho)). A change that moves utilisation from rho_b to
rho_a (scaling out, a bigger instance type) therefore scales the CPU-bound part of the latency by
R(rho_a) / R(rho_b), with S unchanged. For c = 1 this is the familiar (1 - rho_b) / (1 - rho_a).
rho is the finding's p95 utilisation (before and projected after): latency percentiles are made in the
busy periods, so the busy-period load is the one that matters. The ratio of mean response times is
applied to every percentile (the tail of an M/M/c wait is exponential with rate c mu - lambda, so its
tail grows even faster near saturation: the projection is conservative for a scale-out).
Utilisation is capped at RHO_MAX: at or past saturation the queue has no steady state.
"""

from __future__ import annotations

RHO_MAX = 0.99


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arriving request waits in an M/M/c queue (offered load a = lambda / mu < c)."""
    if offered_load <= 0:
        return 0.0
    term, series = 1.0, 1.0  # a^k / k!, summed for k = 0 .. c-1
    for k in range(1, servers):
        term *= offered_load / k
        series += term
    last = term * offered_load / servers  # a^c / c!
    rho = offered_load / servers
    tail = last / (1 - rho)
    return tail / (series + tail)


def response_time(rho: float, servers: int) -> float:
    """Mean response time in units of the mean service time, R / S, at utilisation rho."""
    c = max(1, servers)
    r = min(max(rho, 0.0), RHO_MAX)
    return 1.0 + erlang_c(c, c * r) / (c * (1 - r))


def latency_factor(rho_before: float, rho_after: float, servers: int) -> float:
    """R(rho_after) / R(rho_before): the factor on the CPU-bound part of the latency."""
    return response_time(rho_after, servers) / response_time(rho_before, servers)
