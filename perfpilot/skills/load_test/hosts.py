"""Host allow-list: refuse endpoints outside the target's hosts, and tell k6 to block every other IP."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from perfpilot.skills.base import SkillError
from perfpilot.target.spec import HttpSource

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class HostNotAllowedError(SkillError):
    """A load test would reach a host the target does not declare."""


def endpoint_hosts(http: HttpSource) -> dict[str, str]:
    """Each endpoint's host (keyed by endpoint name). Paths must be absolute ('/...') or full URLs."""
    hosts: dict[str, str] = {}
    base_host = urlsplit(http.base_url).hostname or ""
    for endpoint in http.endpoints:
        if endpoint.path.startswith("/"):
            hosts[endpoint.name] = base_host
            continue
        parts = urlsplit(endpoint.path)
        if parts.scheme not in ("http", "https") or not parts.hostname or "${" in parts.netloc:
            raise HostNotAllowedError(
                f"evidence.http.endpoints[{endpoint.name!r}].path must start with '/' "
                f"(got {endpoint.path!r})"
            )
        hosts[endpoint.name] = parts.hostname
    return hosts


def check_allowed_hosts(http: HttpSource) -> set[str]:
    """Raise unless every endpoint stays on a declared host; return the hosts the run will reach."""
    allowed = {h.lower() for h in http.hosts()}
    used = endpoint_hosts(http)
    outside = sorted({f"{name} -> {host}" for name, host in used.items() if host.lower() not in allowed})
    if outside:
        raise HostNotAllowedError(
            "refusing to load hosts the target does not declare in evidence.http.allowed_hosts: "
            + ", ".join(outside)
        )
    return {h.lower() for h in used.values()} or {urlsplit(http.base_url).hostname or ""}


def resolve(hosts: Iterable[str]) -> set[IpAddress]:
    """Every address the hosts resolve to now (IP literals are returned as they are)."""
    found: set[IpAddress] = set()
    for host in hosts:
        try:
            found.add(ipaddress.ip_address(host.strip("[]")))
            continue
        except ValueError:
            pass
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise HostNotAllowedError(f"cannot resolve allowed host {host!r}: {exc.strerror}") from None
        for info in infos:
            found.add(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
    return found


def blocked_ranges(allowed: Iterable[IpAddress]) -> list[str]:
    """CIDR ranges covering every IPv4 and IPv6 address except `allowed` (for k6 --blacklist-ip)."""
    remaining: list[IpNetwork] = [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
    for address in allowed:
        single = ipaddress.ip_network(address)
        next_remaining: list[IpNetwork] = []
        for network in remaining:
            if network.version == single.version and single.subnet_of(network):  # type: ignore[arg-type]
                next_remaining.extend(network.address_exclude(single))  # type: ignore[arg-type]
            else:
                next_remaining.append(network)
        remaining = next_remaining
    return [str(n) for n in sorted(remaining, key=lambda n: (n.version, n.network_address.packed))]
